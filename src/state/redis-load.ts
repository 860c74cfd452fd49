import type { Redis } from 'ioredis';
import type { OutboxEntry } from '../notifiers/outbox.js';
import type { StoredRuleState } from '../rules/engine.js';
import type { Logger } from '../util/logger.js';
import { redisCall, type StateKeys } from './redis-conn.js';
import type { Frontier } from '../sources/lateness.js';
import { frontierOf, frontierSchema, outboxEntrySchema, partitionHealthSchema, sectionEntries, type PartitionHealth } from './schema.js';

export interface LoadedRedisState {
  checkpoints: Map<string, number>;
  seen: Map<string, number>;
  alerts: Map<string, number>;
  suppression: Map<string, number>;
  outbox: Map<string, OutboxEntry>;
  windows: StoredRuleState[];
  health: Map<string, PartitionHealth>;
  frontiers: Map<string, Frontier>;
  /** Deliveries a killed run completed after its last save: [field, alertId, notifier]. */
  journal: [string, string, string][];
}

/**
 * The whole state in one round trip. Like the file backend, a bad record costs that record
 * only (logged and skipped), never the outbox around it.
 */
export async function loadRedisState(client: Redis, keys: StateKeys, url: string, logger: Logger): Promise<LoadedRedisState> {
  const replies = await redisCall('cannot read state', url, () =>
    client
      .pipeline()
      .hgetall(keys.checkpoints)
      .zrange(keys.seen, '0', '-1', 'WITHSCORES')
      .zrange(keys.alerts, '0', '-1', 'WITHSCORES')
      .zrange(keys.suppression, '0', '-1', 'WITHSCORES')
      .hgetall(keys.outbox)
      .get(keys.windows)
      .hgetall(keys.health)
      .hgetall(keys.frontiers)
      .hgetall(keys.journal)
      .exec(),
  );
  const values = (replies ?? []).map(([err, value]) => {
    if (err) throw err;
    return value;
  });
  const [cp, seen, alerts, supp, outbox, windows, health, frontiers, journal] = values as [
    Record<string, string>, string[], string[], string[], Record<string, string>, string | null, Record<string, string>, Record<string, string>, Record<string, string>,
  ];
  let skipped = 0;
  const parsed = <T>(text: string, check: (v: unknown) => T | undefined): T | undefined => {
    try {
      const value = check(JSON.parse(text));
      if (value === undefined) skipped++;
      return value;
    } catch {
      skipped++;
      return undefined;
    }
  };
  const scores = (flat: string[]) => {
    const out = new Map<string, number>();
    for (let i = 0; i + 1 < flat.length; i += 2) out.set(flat[i], Number(flat[i + 1]));
    return out;
  };
  const out: LoadedRedisState = {
    checkpoints: new Map(Object.entries(cp).map(([k, v]) => [k, Number(v)] as const).filter(([, v]) => Number.isFinite(v))),
    seen: scores(seen),
    alerts: scores(alerts),
    suppression: scores(supp),
    outbox: new Map(),
    windows: [],
    health: new Map(),
    frontiers: new Map(),
    journal: [],
  };
  for (const [id, text] of Object.entries(outbox)) {
    const entry = parsed(text, (v) => outboxEntrySchema.safeParse(v).data as OutboxEntry | undefined);
    if (entry) out.outbox.set(id, entry);
  }
  for (const [partition, text] of Object.entries(health)) {
    const h = parsed(text, (v) => partitionHealthSchema.safeParse(v).data);
    if (h) out.health.set(partition, h);
  }
  for (const [partition, text] of Object.entries(frontiers)) {
    const f = parsed(text, (v) => frontierSchema.safeParse(v).data);
    if (f) out.frontiers.set(partition, frontierOf(f));
  }
  if (windows !== null) {
    const list = parsed(windows, (v) => (Array.isArray(v) ? v : undefined)) ?? [];
    out.windows = list.filter((w) => sectionEntries.windows.safeParse(w).success) as StoredRuleState[];
  }
  for (const field of Object.keys(journal)) {
    const pair = parsed(field, (v) => (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string' ? (v as [string, string]) : undefined));
    if (pair) out.journal.push([field, pair[0], pair[1]]);
  }
  if (skipped > 0) logger.warn({ skipped }, 'state in Redis: unreadable records skipped');
  return out;
}
