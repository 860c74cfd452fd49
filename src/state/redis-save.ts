import type { Redis } from 'ioredis';
import { AuditError } from '../errors.js';
import { redisError, type StateKeys } from './redis-conn.js';

/**
 * What one save changes. Times travel as strings: Lua numbers print with 14 digits, and a
 * millisecond time past the year 5138 has 15.
 */
export interface SaveBatch {
  checkpoints: [string, string][];
  /** Per sorted set: everything older is dropped first, then the changed members are written. */
  prune: { seen: string; alerts: string; suppression: string };
  seen: [string, string][];
  alerts: [string, string][];
  suppression: [string, string][];
  outboxSet: [string, string][];
  outboxDel: string[];
  windows: string | null;
  healthSet: [string, string][];
  healthDel: string[];
  frontiers: [string, string][];
  /** Journal lines the outbox in this batch already accounts for. */
  journalDel: string[];
  savedAt: string;
}

/**
 * One script, so the batch commits whole or not at all, like the file backend's rename: the
 * checkpoint, the ids marked seen, the raised alerts and their outbox entries together. It
 * first checks the fencing token: a holder whose lease lapsed writes nothing.
 */
const SAVE = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('FENCED lease no longer held') end
local b = cjson.decode(ARGV[2])
local function hset(key, list) for _, e in ipairs(list) do redis.call('HSET', key, e[1], e[2]) end end
local function zset(key, cutoff, list)
  if cutoff ~= '' then redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. cutoff) end
  for _, e in ipairs(list) do
    if e[2] == '' then redis.call('ZREM', key, e[1]) else redis.call('ZADD', key, e[2], e[1]) end
  end
end
hset(KEYS[2], b.checkpoints)
zset(KEYS[3], b.prune.seen, b.seen)
zset(KEYS[4], b.prune.alerts, b.alerts)
zset(KEYS[5], b.prune.suppression, b.suppression)
hset(KEYS[6], b.outboxSet)
for _, id in ipairs(b.outboxDel) do redis.call('HDEL', KEYS[6], id) end
if b.windows ~= cjson.null then redis.call('SET', KEYS[7], b.windows) end
hset(KEYS[8], b.healthSet)
for _, p in ipairs(b.healthDel) do redis.call('HDEL', KEYS[8], p) end
for _, f in ipairs(b.journalDel) do redis.call('HDEL', KEYS[9], f) end
redis.call('HSET', KEYS[10], 'savedAt', b.savedAt, 'token', ARGV[1])
hset(KEYS[11], b.frontiers)
return 1`;

// An empty Lua table encodes as {} in cjson; every list here is read with ipairs, which takes both.
export async function saveBatch(client: Redis, keys: StateKeys, url: string, token: string, batch: SaveBatch): Promise<void> {
  const k = keys;
  try {
    await client.eval(SAVE, 11, k.lease, k.checkpoints, k.seen, k.alerts, k.suppression, k.outbox, k.windows, k.health, k.journal, k.meta, k.frontiers, token, JSON.stringify(batch));
  } catch (err) {
    if (String((err as Error)?.message).includes('FENCED')) {
      throw new AuditError('E_STATE', `${url}: not saved, the state lease (token ${token}) expired or was taken over by another run`, { cause: err });
    }
    throw redisError('cannot save state', url, err);
  }
}

const JOURNAL = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], '1')
return 1`;

/** One delivery, written at once under the token; resolves false when the lease is no longer held. */
export async function journalLine(client: Redis, keys: StateKeys, token: string, field: string): Promise<boolean> {
  return (await client.eval(JOURNAL, 2, keys.lease, keys.journal, token, field)) === 1;
}

/** The journal's field for one delivery: JSON, so any id or notifier name round-trips. */
export const journalField = (alertId: string, notifier: string) => JSON.stringify([alertId, notifier]);
