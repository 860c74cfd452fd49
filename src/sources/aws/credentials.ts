import { addSecrets } from '../../util/secrets.js';
import type { AwsOptions } from './options.js';

export interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * The keys to sign with, or none: then the SDK's own default chain finds them (profiles, SSO,
 * web identity, container and instance roles), refreshing temporary ones itself.
 */
export interface AwsCredentialChoice {
  /** Where they came from, for logs: config, env or default-chain. */
  origin: 'config' | 'env' | 'default-chain';
  keys?: AwsKeys;
}

/** Masked like the config's own secrets, should an error or a server echo them. */
function complete(accessKeyId: string | undefined, secretAccessKey: string | undefined, sessionToken: string | undefined): AwsKeys | undefined {
  if (!accessKeyId || !secretAccessKey) return undefined;
  addSecrets([secretAccessKey, sessionToken]);
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/**
 * `auto` reads the environment the command was given (ctx.env, not process.env) first, so a
 * test or a wrapper decides the keys; only when that has none does the SDK's chain take over.
 */
export function chooseCredentials(setting: AwsOptions['credentials'], env: NodeJS.ProcessEnv): AwsCredentialChoice {
  if (typeof setting === 'object') {
    return { origin: 'config', keys: complete(setting.accessKeyId, setting.secretAccessKey, setting.sessionToken) };
  }
  const keys = complete(env.AWS_ACCESS_KEY_ID, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN);
  return keys ? { origin: 'env', keys } : { origin: 'default-chain' };
}

type Identity = { secretAccessKey?: string; sessionToken?: string };

/**
 * The SDK's chain, with whatever it finds (a profile's keys, a role's temporary ones, at each
 * refresh) masked like the config's own, should an error or a server echo them.
 */
function maskedChain<P extends (...args: any[]) => Promise<Identity>>(chain: P): P {
  return (async (...args: Parameters<P>) => {
    const identity = await chain(...args);
    addSecrets([identity.secretAccessKey, identity.sessionToken]);
    return identity;
  }) as P;
}

/** The chain a client of the SDK makes for itself when given no keys (profiles, SSO, roles), masked. */
export function defaultChain(Client: typeof import('@aws-sdk/client-cloudtrail').CloudTrailClient, region: string) {
  const probe = new Client({ region });
  probe.destroy();
  return maskedChain(probe.config.credentials);
}
