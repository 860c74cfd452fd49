import type { Redis } from 'ioredis';
import { AuditError } from '../errors.js';
import { ensureDir, type StateBackend, type StateBackendDeps } from './backend.js';
import { acquireLease, leaseHolder, type Lease } from './lease.js';
import { reasonOf } from './lock.js';
import { connectRedis, shownUrl, stateKeys, type RedisStateConfig } from './redis-conn.js';
import { openRedisState } from './redis-store.js';

let stamps = 0;

/**
 * The Redis backend for one run: connects on first use and disconnects in `close`, so a cron
 * run exits when done and a watcher holds no connection between ticks.
 */
export function redisBackend(config: RedisStateConfig, deps: StateBackendDeps): StateBackend {
  const keys = stateKeys(config.prefix);
  let client: Redis | undefined;
  let lease: Lease | null = null;
  const connect = async () => (client ??= await connectRedis(config.url));
  return {
    where: `${shownUrl(config.url)} (prefix ${config.prefix})`,
    keepsLock: true,
    async acquire(timeoutMs, signal) {
      lease = await acquireLease({ client: await connect(), keys, url: shownUrl(config.url), leaseMs: config.lease, timeoutMs, signal, logger: deps.logger, now: deps.now });
      return lease;
    },
    async holder() {
      return client ? leaseHolder(client, keys) : undefined;
    },
    async open({ readOnly, lock }) {
      if (!readOnly) {
        await ensureDir(deps.dir).catch((err) => {
          throw new AuditError('E_STATE', `${deps.dir}: cannot use state directory (${reasonOf(err)})`, { cause: err });
        });
      }
      return openRedisState({ client: await connect(), keys, url: config.url, prefix: config.prefix, dir: deps.dir, logger: deps.logger, now: deps.now, readOnly, lock });
    },
    // Under one lease held without a break nobody else wrote (writes are fenced): the store in
    // memory is current. Otherwise the next run reads the state again.
    stamp: async () => (lease && !lease.compromised ? `lease:${lease.token}` : `redis:${++stamps}`),
    async close() {
      const c = client;
      client = undefined;
      await c?.quit().catch(() => c.disconnect());
    },
  };
}
