import type { Redis } from 'ioredis';
import { AuditError } from '../errors.js';
import { ensureDir, type StateBackend, type StateBackendDeps } from './backend.js';
import { acquireLease, leaseHolder } from './lease.js';
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
  const connect = async () => (client ??= await connectRedis(config.url));
  return {
    async acquire(timeoutMs) {
      return acquireLease({ client: await connect(), keys, url: shownUrl(config.url), leaseMs: config.lease, timeoutMs, logger: deps.logger, now: deps.now });
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
    // Each run reads the state again: its store is bound to this run's connection, closed at its end.
    stamp: async () => `redis:${++stamps}`,
    async close() {
      const c = client;
      client = undefined;
      await c?.quit().catch(() => c.disconnect());
    },
  };
}
