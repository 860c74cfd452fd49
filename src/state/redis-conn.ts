import type { Redis } from 'ioredis';
import { AuditError } from '../errors.js';
import { redact } from '../util/secrets.js';

/** What the Redis backend needs of `state:` in the config. */
export interface RedisStateConfig {
  url: string;
  prefix: string;
  /** Lease length in ms. */
  lease: number;
}

/**
 * Every key of one config's state. Only the prefix separates configs: two machines running the
 * same config from different paths must share one state, so no per-path hash is added (unlike
 * the file backend's per-config directory).
 */
export function stateKeys(prefix: string) {
  const k = (name: string) => `${prefix}${name}`;
  return {
    lease: k('lease'),
    fence: k('fence'),
    holder: k('holder'),
    checkpoints: k('checkpoints'),
    seen: k('seen'),
    alerts: k('alerts'),
    suppression: k('suppression'),
    outbox: k('outbox'),
    journal: k('journal'),
    windows: k('windows'),
    health: k('health'),
    frontiers: k('frontiers'),
    meta: k('meta'),
  };
}
export type StateKeys = ReturnType<typeof stateKeys>;

/** The URL as it may be shown: never its password, whatever the registry holds. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(invalid url)';
  }
}

/** A Redis failure as the run reports it: E_STATE, with nothing of the URL's password in it. */
export function redisError(what: string, url: string, err: unknown): AuditError {
  const reason = redact(err instanceof Error ? err.message : String(err)).split('\n')[0];
  return new AuditError('E_STATE', `${shownUrl(url)}: ${what} (${reason})`, { cause: err });
}

/**
 * ioredis is imported only when a config asks for Redis, so file-backend runs never load it.
 * Commands fail fast instead of queueing while disconnected: a run whose Redis went away must
 * exit 1 now, not hang until cron starts the next one.
 */
export async function connectRedis(url: string): Promise<Redis> {
  // CommonJS: the bundle sees its exports under default, node under both names.
  const mod = (await import('ioredis')) as unknown as { Redis?: typeof Redis; default: typeof Redis & { Redis?: typeof Redis } };
  const Client = mod.Redis ?? mod.default.Redis ?? mod.default;
  const client = new Client(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (times) => (times > 3 ? null : 200 * times),
  });
  // Without a listener ioredis prints every connection error itself, unredacted.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw redisError('cannot connect to the state Redis', url, err);
  }
  return client;
}

/** Runs `fn`, turning client failures into E_STATE; AuditErrors pass through unchanged. */
export async function redisCall<T>(what: string, url: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AuditError) throw err;
    throw redisError(what, url, err);
  }
}
