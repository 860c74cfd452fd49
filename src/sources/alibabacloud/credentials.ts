import { AuditError } from '../../errors.js';
import { addSecrets } from '../../util/secrets.js';
import type { AlibabacloudOptions } from './options.js';

export interface AlibabaCredential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** Where the keys came from (for logs, never the keys) and the keys themselves, read on first use. */
export interface AlibabaCredentialSource {
  origin: 'config' | 'env';
  get(): AlibabaCredential;
}

export const ENV_KEYS = {
  id: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
  secret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  token: 'ALIBABA_CLOUD_SECURITY_TOKEN',
} as const;

/** Secrets are registered for masking as soon as they are read, should an SDK error or a server echo them. */
function complete(id: string | undefined, secret: string | undefined, token: string | undefined): AlibabaCredential | null {
  if (!id || !secret) return null;
  addSecrets([secret, token]);
  return { accessKeyId: id, accessKeySecret: secret, ...(token ? { securityToken: token } : {}) };
}

/**
 * `auto` reads the environment the CLI was given (ctx.env, never process.env), so tests and
 * embedders decide what the source sees. The official client's default chain (profile file,
 * ECS RAM role) is not used: it reads process.env and the home directory on its own.
 */
export function alibabaCredentials(setting: AlibabacloudOptions['credentials'], env: NodeJS.ProcessEnv): AlibabaCredentialSource {
  if (typeof setting === 'object') {
    const cred = complete(setting.accessKeyId, setting.accessKeySecret, setting.securityToken)!;
    return { origin: 'config', get: () => cred };
  }
  let cred: AlibabaCredential | null = null;
  return {
    origin: 'env',
    get() {
      cred ??= complete(env[ENV_KEYS.id], env[ENV_KEYS.secret], env[ENV_KEYS.token]);
      if (!cred) {
        throw new AuditError(
          'E_AUTH',
          `credentials: auto: set ${ENV_KEYS.id} and ${ENV_KEYS.secret} (and ${ENV_KEYS.token} for STS keys), or give credentials: { accessKeyId, accessKeySecret }`,
        );
      }
      return cred;
    },
  };
}
