import { AuditError } from '../../errors.js';
import { addSecrets } from '../../util/secrets.js';
import type { TencentcloudOptions } from './options.js';
import { credentialFiles, readCredentialsFile, SYSTEM_CREDENTIALS_FILE } from './profile-file.js';

export interface Credential {
  secretId: string;
  secretKey: string;
  token?: string;
}

/** Where the keys came from (for logs) and how to get them now; CVM role keys rotate. */
export interface CredentialSource {
  origin: string;
  get(): Promise<Credential>;
  /** Drops cached temporary keys the API refused before their announced expiry; the next get() fetches new ones. */
  renew?(): void;
}

type Provider = { getCredential(): Promise<{ secretId?: string; secretKey?: string; token?: string }> };

const METADATA_TIMEOUT_MS = 5_000;
const PROFILE_FILES = `~/.tencentcloud/credentials or ${SYSTEM_CREDENTIALS_FILE}`;

/** Keys from a file or the metadata service are masked like those in the config, should anything echo them. */
function complete(c: { secretId?: string; secretKey?: string; token?: string } | undefined): Credential | null {
  if (!c?.secretId || !c.secretKey) return null;
  addSecrets([c.secretKey, c.token]);
  return { secretId: c.secretId, secretKey: c.secretKey, ...(c.token ? { token: c.token } : {}) };
}

function fromEnv(env: NodeJS.ProcessEnv): Credential | null {
  return complete({ secretId: env.TENCENTCLOUD_SECRET_ID, secretKey: env.TENCENTCLOUD_SECRET_KEY, token: env.TENCENTCLOUD_SESSION_TOKEN });
}

async function fromProfile(env: NodeJS.ProcessEnv, name: string): Promise<Credential | null> {
  const found = await readCredentialsFile(env);
  const section = found && 'sections' in found ? found.sections.get(name) : undefined;
  return complete({ secretId: section?.secret_id, secretKey: section?.secret_key, token: section?.token });
}

/**
 * A profile the user named: a typo must not fall back to other keys (another account's
 * trail), so anything short of both keys in that section is an error naming the profile and
 * the file, never a value from it.
 */
function namedProfile(env: NodeJS.ProcessEnv, name: string, via: string): CredentialSource {
  const problem = (text: string) => new AuditError('E_CONFIG', `profile "${name}"${via}: ${text}`);
  return {
    origin: `profile:${name}`,
    async get() {
      const found = await readCredentialsFile(env);
      if (!found) throw problem(`no credentials file (looked for ${credentialFiles(env).join(' and ')})`);
      if ('unreadable' in found) throw problem(`cannot read ${found.file} (${found.unreadable})`);
      const section = found.sections.get(name);
      if (!section) {
        const known = [...found.sections.keys()];
        throw problem(`no [${name}] section in ${found.file} (${known.length ? `it has ${known.map((k) => `[${k}]`).join(', ')}` : 'it has no sections'})`);
      }
      const cred = complete({ secretId: section.secret_id, secretKey: section.secret_key, token: section.token });
      if (!cred) throw problem(`[${name}] in ${found.file} needs both secret_id and secret_key`);
      return cred;
    },
  };
}

/**
 * CVM role keys from the metadata service, refreshed by the SDK class before they expire. The
 * class keeps a failed lookup forever and has no timeout, so a failure drops the instance
 * and every lookup is bounded.
 */
async function cvmRole(): Promise<CredentialSource> {
  const mod: any = await import('tencentcloud-sdk-nodejs/tencentcloud/common/cvm_role_credential.js');
  const Cvm = typeof mod.default === 'function' ? mod.default : mod.default.default;
  let provider: Provider | null = null;
  return {
    origin: 'cvm-role',
    async get() {
      provider ??= new Cvm() as Provider;
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${METADATA_TIMEOUT_MS / 1000}s`)), METADATA_TIMEOUT_MS);
        });
        const cred = complete(await Promise.race([provider.getCredential(), timeout]));
        if (!cred) throw new Error('the metadata service returned no keys');
        return cred;
      } catch (err) {
        provider = null;
        throw new AuditError('E_AUTH', `credentials: cvm-role: no role keys from the CVM metadata service (${String((err as Error).message ?? err)}); is a CAM role bound to this instance?`, { cause: err });
      } finally {
        // Else a cron run with role keys lingers up to 5 s after its work is done.
        clearTimeout(timer);
      }
    },
  };
}

const fixed = (origin: string, cred: Credential): CredentialSource => ({ origin, get: async () => cred });

/**
 * `auto` tries the environment (ctx.env, not process.env), then the profile file, then the CVM
 * role, like the SDK's DefaultCredentialProvider but without its console.error on every miss.
 * The choice is made once, on first use, so nothing is read before the first API call.
 * A named profile (`profile`, else TENCENTCLOUD_PROFILE) takes the place of that chain under
 * `auto` and of `[default]` under `profile`.
 */
export function credentialSource(setting: TencentcloudOptions['credentials'], env: NodeJS.ProcessEnv, profile?: string): CredentialSource {
  if (profile !== undefined && (typeof setting === 'object' || setting === 'env' || setting === 'cvm-role')) {
    const what = typeof setting === 'object' ? 'keys in the config' : setting;
    throw new AuditError('E_CONFIG', `profile "${profile}": source.credentials is ${what}, which reads no profile; use credentials: auto or profile`);
  }
  if (typeof setting === 'object') return fixed('config', { ...setting });
  if (setting === 'env') {
    return {
      origin: 'env',
      async get() {
        const cred = fromEnv(env);
        if (!cred) throw new AuditError('E_AUTH', 'credentials: env: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY must both be set');
        return cred;
      },
    };
  }
  if (setting !== 'cvm-role') {
    if (profile !== undefined) return namedProfile(env, profile, '');
    if (env.TENCENTCLOUD_PROFILE) return namedProfile(env, env.TENCENTCLOUD_PROFILE, ' (from TENCENTCLOUD_PROFILE)');
  }
  if (setting === 'profile') {
    return {
      origin: 'profile',
      async get() {
        const cred = await fromProfile(env, 'default');
        if (!cred) throw new AuditError('E_AUTH', `credentials: profile: no [default] secret_id and secret_key in ${PROFILE_FILES}`);
        return cred;
      },
    };
  }
  let chosen: Promise<CredentialSource> | undefined;
  const choose = async (): Promise<CredentialSource> => {
    const envCred = fromEnv(env);
    if (envCred) return fixed('env', envCred);
    const profileCred = await fromProfile(env, 'default');
    if (profileCred) return fixed('profile', profileCred);
    return cvmRole();
  };
  return {
    origin: setting,
    async get() {
      chosen ??= setting === 'cvm-role' ? cvmRole() : choose();
      try {
        return await (await chosen).get();
      } catch (err) {
        if (setting === 'auto' && err instanceof AuditError) {
          throw new AuditError(
            'E_AUTH',
            `credentials: none found: set TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY, write ${PROFILE_FILES}, or run on a CVM with a CAM role (${err.message})`,
            { cause: err },
          );
        }
        throw err;
      }
    },
  };
}
