import { AuditError } from '../../errors.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { addSecrets } from '../../util/secrets.js';
import type { Credential, CredentialSource } from './credentials.js';
import type { TencentcloudOptions } from './options.js';
import type { Sts } from './sts.js';

export type RoleAccount = NonNullable<TencentcloudOptions['accounts']>[number];

/** Asked for an hour: long enough for any run, short enough that a leaked key soon lapses. */
export const ROLE_DURATION_SECONDS = 3_600;
/**
 * Renewed this long before they expire, so no request is signed with keys that lapse in flight
 * or by a clock a little ahead of ours.
 */
export const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * What outlives one source: `audit watch` opens the source afresh every tick, and asking STS
 * each minute would write an AssumeRole (and GetCallerIdentity) event into the very trails being
 * watched. Keyed by STS endpoint and the caller's SecretId, so other keys never share an entry.
 */
export interface SessionCache {
  /** STS endpoint and SecretId → the account GetCallerIdentity named. */
  accounts: Map<string, string>;
  /** STS endpoint, SecretId and role → its keys and when to renew them. */
  keys: Map<string, { cred: Credential; renewAtMs: number }>;
}

export const newSessionCache = (): SessionCache => ({ accounts: new Map(), keys: new Map() });

/** The process's cache, used unless the context brings its own (tests give each source one). */
export const processSessions: SessionCache = newSessionCache();

export interface RoleDeps {
  sts: Sts;
  /** The STS endpoint, part of every cache key. */
  scope: string;
  /** The caller's own keys, whose SecretId is part of every cache key. */
  own: CredentialSource;
  sessions: SessionCache;
  now: Clock;
  logger: Logger;
}

/**
 * The keys of `accounts[index]`: its role assumed with the caller's own keys on first use, cached,
 * and assumed again once they come within RENEW_BEFORE_MS of expiring (by the injected clock).
 * A refusal is kept for the rest of this source only: the trust policy will not change between
 * two regions, but may well be fixed by the next run.
 */
export function roleCredentials(index: number, role: RoleAccount, deps: RoleDeps): CredentialSource {
  const where = `accounts[${index}]`;
  let pending: Promise<Credential> | undefined;
  let refused: AuditError | undefined;
  let lastKey: string | undefined;
  const cacheKey = async () => JSON.stringify([deps.scope, (await deps.own.get()).secretId, role.roleArn, role.externalId ?? null, role.sessionName]);

  const assume = async (key: string): Promise<Credential> => {
    const askedAtMs = deps.now().getTime();
    const req = {
      RoleArn: role.roleArn,
      RoleSessionName: role.sessionName,
      DurationSeconds: ROLE_DURATION_SECONDS,
      ...(role.externalId !== undefined ? { ExternalId: role.externalId } : {}),
    };
    const res = await deps.sts.call('AssumeRole', req, (v, attempts, cause) => {
      if (v.kind === 'retry') {
        return new AuditError('E_SOURCE', `${where}: AssumeRole failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${v.code}${v.message ? ` (${v.message})` : ''}`, { cause });
      }
      const check = `the trust policy of ${role.roleArn} must name this caller${role.externalId !== undefined ? ' and its external id' : ''}, and the caller needs CAM permission sts:AssumeRole on it`;
      return new AuditError('E_AUTH', `${where}: AssumeRole denied: ${v.code}: ${v.message || 'no message'} (${check})`, { cause });
    });
    const keys = res?.Credentials;
    if (!keys?.TmpSecretId || !keys.TmpSecretKey || !keys.Token) throw new AuditError('E_SOURCE', `${where}: AssumeRole answered without keys`);
    addSecrets([keys.TmpSecretKey, keys.Token]);
    const expiresMs = typeof res.ExpiredTime === 'number' ? res.ExpiredTime * 1000 : Date.parse(res.Expiration ?? '') || askedAtMs + ROLE_DURATION_SECONDS * 1000;
    // Keys that live less than twice the margin are renewed half-way through instead.
    const margin = Math.min(RENEW_BEFORE_MS, Math.max(0, (expiresMs - askedAtMs) / 2));
    const cred = { secretId: keys.TmpSecretId, secretKey: keys.TmpSecretKey, token: keys.Token };
    deps.sessions.keys.set(key, { cred, renewAtMs: expiresMs - margin });
    deps.logger.debug({ account: role.id, roleArn: role.roleArn, expires: new Date(expiresMs).toISOString() }, 'assumed role');
    return cred;
  };

  return {
    origin: `role:${role.roleArn}`,
    async get() {
      if (refused) throw refused;
      const key = (lastKey = await cacheKey());
      const current = deps.sessions.keys.get(key);
      if (current && deps.now().getTime() < current.renewAtMs) return current.cred;
      // One AssumeRole for every listing that finds the keys missing or due at once.
      pending ??= assume(key).finally(() => {
        pending = undefined;
      });
      try {
        return await pending;
      } catch (err) {
        if (err instanceof AuditError && err.code === 'E_AUTH') refused = err;
        throw err;
      }
    },
    renew() {
      if (lastKey !== undefined) deps.sessions.keys.delete(lastKey);
    },
  };
}
