import type { Redis } from 'ioredis';
import { AuditError } from '../errors.js';
import type { Alert } from '../rules/model.js';
import type { StoredRuleState } from '../rules/engine.js';
import type { Logger } from '../util/logger.js';
import { createOutbox } from '../notifiers/outbox.js';
import { createHealthBook } from './health.js';
import type { Lease } from './lease.js';
import type { StateLock } from './lock.js';
import { shownUrl, type StateKeys } from './redis-conn.js';
import { loadRedisState } from './redis-load.js';
import { journalField, journalLine, saveBatch, type SaveBatch } from './redis-save.js';
import { frontierRecord } from './schema.js';
import { checkedFrontier, type StateStore } from './store.js';

const MAX_TIME_MS = 253_402_300_799_999;

export interface OpenRedisStateOptions {
  client: Redis;
  keys: StateKeys;
  url: string;
  prefix: string;
  /** The local state directory: the quarantine file stays on the machine that set the records aside. */
  dir: string;
  logger: Logger;
  now?: () => Date;
  readOnly?: boolean;
  lock?: StateLock;
}

/**
 * The same store as the file backend, kept in memory between saves; a save sends only what
 * changed since the last one, as one fenced script (redis-save.ts).
 */
export async function openRedisState(opts: OpenRedisStateOptions): Promise<StateStore> {
  const { client, keys, url, logger } = opts;
  const now = opts.now ?? (() => new Date());
  const readOnly = opts.readOnly ?? false;
  const data = await loadRedisState(client, keys, url, logger);
  const { checkpoints, seen, alerts, suppression } = data;
  const outboxEntries = data.outbox;
  const healthMap = data.health;
  const frontiers = data.frontiers;
  const touchedFrontiers = new Set<string>();
  let ruleStates: readonly StoredRuleState[] = data.windows;
  // What the last save left in Redis, to send only the difference.
  const json = (m: Map<string, unknown>) => new Map([...m].map(([k, v]) => [k, JSON.stringify(v)]));
  let savedOutbox = json(outboxEntries);
  let savedHealth = json(healthMap);
  const touched = { checkpoints: new Set<string>(), seen: new Set<string>(), alerts: new Set<string>(), suppression: new Set<string>() };
  const cutoffs = { seen: '', alerts: '', suppression: '' };
  let windowsChanged = false;
  let dirty = false;
  let lock = opts.lock;
  const changed = () => void (dirty = true);
  const journaled: string[] = [];
  const writes = new Set<Promise<unknown>>();

  const checkedMs = (what: string, ms: number, shown: unknown): number => {
    if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) throw new AuditError('E_STATE', `${what}: invalid time ${JSON.stringify(shown)}`);
    return Math.round(ms);
  };
  const timeOf = (what: string, iso: string) => checkedMs(what, Date.parse(iso), iso);
  const put = (section: keyof typeof touched, map: Map<string, number>, key: string, ms: number) => {
    map.set(key, ms);
    touched[section].add(key);
    changed();
  };
  const pruneMap = (section: keyof typeof cutoffs, map: Map<string, number>, before: number): number => {
    let removed = 0;
    for (const [k, t] of map) if (t < before && map.delete(k)) removed++;
    if (removed > 0) cutoffs[section] = String(Math.max(before, Number(cutoffs[section] || 0)));
    return removed;
  };

  const outbox = createOutbox(outboxEntries, now, changed);
  const health = createHealthBook(healthMap, changed);
  for (const [field, alertId, notifier] of data.journal) {
    outbox.markDelivered(alertId, notifier);
    journaled.push(field);
  }
  if (data.journal.length > 0) logger.info({ deliveries: data.journal.length }, 'outbox: deliveries completed by an interrupted run applied from its journal');

  const token = (): string => {
    if (lock?.compromised) throw new AuditError('E_STATE', `${shownUrl(url)}: not saved, the state lease was taken over by another run`, { cause: lock.compromised });
    const t = (lock as Lease | undefined)?.token;
    if (!t) throw new AuditError('E_STATE', `${shownUrl(url)}: not saved, no state lease is held`);
    return t;
  };
  const diff = (current: Map<string, unknown>, saved: Map<string, string>) => {
    const next = json(current);
    return { set: [...next].filter(([k, v]) => saved.get(k) !== v), del: [...saved.keys()].filter((k) => !next.has(k)), next };
  };
  const scored = (section: keyof typeof touched, map: Map<string, number>) =>
    [...touched[section]].map((k) => [k, map.has(k) ? String(map.get(k)) : ''] as [string, string]);

  return {
    dir: opts.dir,
    file: `${shownUrl(url)}#${opts.prefix}`,
    readOnly,
    checkpoint: (p) => (checkpoints.has(p) ? new Date(checkpoints.get(p)!) : undefined),
    setCheckpoint: (p, at) => put('checkpoints', checkpoints, p, checkedMs(`checkpoint ${p}`, at.getTime(), String(at))),
    checkpoints: () => [...checkpoints].map(([k, t]) => [k, new Date(t)]),
    frontier: (p) => frontiers.get(p),
    setFrontier(p, f) {
      frontiers.set(p, checkedFrontier(p, f));
      touchedFrontiers.add(p);
      changed();
    },
    hasSeen: (id) => seen.has(id),
    markSeen: (id, iso) => put('seen', seen, id, timeOf(`event ${id}`, iso)),
    hasAlert: (id) => alerts.has(id),
    recordAlert(alertOrId: string | Pick<Alert, 'id' | 'time'>, timeIso?: string) {
      const [id, time] = typeof alertOrId === 'string' ? [alertOrId, timeIso ?? ''] : [alertOrId.id, alertOrId.time];
      put('alerts', alerts, id, timeOf(`alert ${id}`, time));
    },
    suppression: {
      get: (key) => suppression.get(key),
      set: (key, atMs) => put('suppression', suppression, key, checkedMs(`suppression ${key}`, atMs, atMs)),
    },
    outbox,
    health,
    journalDelivered(alertId, notifier) {
      if (readOnly) return;
      let fence: string;
      try {
        fence = token();
      } catch {
        return; // the save fails for the same reason, and the delivery is simply sent again
      }
      const field = journalField(alertId, notifier);
      journaled.push(field);
      // Sent at once; the save waits for it. A lapsed lease makes it a no-op, and the save then fails.
      const write = journalLine(client, keys, fence, field).catch((err) => logger.warn({ reason: String(err?.message ?? err) }, 'could not journal a delivery'));
      writes.add(write);
      void write.finally(() => writes.delete(write));
    },
    ruleStates: () => ruleStates,
    setRuleStates(states) {
      ruleStates = states;
      windowsChanged = true;
      changed();
    },
    prune(olderThan, suppressionOlderThan = olderThan) {
      const result = {
        seen: pruneMap('seen', seen, olderThan.getTime()),
        alerts: pruneMap('alerts', alerts, olderThan.getTime()),
        suppressions: pruneMap('suppression', suppression, suppressionOlderThan.getTime()),
      };
      if (result.seen + result.alerts + result.suppressions > 0) changed();
      return result;
    },
    useLock(next) {
      lock = next;
    },
    async save() {
      await Promise.all(writes);
      if (readOnly || !dirty) return;
      const fence = token();
      const o = diff(outboxEntries, savedOutbox);
      const h = diff(healthMap, savedHealth);
      const batch: SaveBatch = {
        checkpoints: scored('checkpoints', checkpoints),
        prune: { ...cutoffs },
        seen: scored('seen', seen),
        alerts: scored('alerts', alerts),
        suppression: scored('suppression', suppression),
        outboxSet: o.set,
        outboxDel: o.del,
        windows: windowsChanged ? JSON.stringify(ruleStates) : null,
        healthSet: h.set,
        healthDel: h.del,
        frontiers: [...touchedFrontiers].map((p) => [p, JSON.stringify(frontierRecord(frontiers.get(p)!))] as [string, string]),
        journalDel: [...journaled],
        savedAt: now().toISOString(),
      };
      await saveBatch(client, keys, shownUrl(url), fence, batch);
      // Only now: a refused save keeps everything to send with the next try.
      for (const set of Object.values(touched)) set.clear();
      touchedFrontiers.clear();
      Object.assign(cutoffs, { seen: '', alerts: '', suppression: '' });
      journaled.splice(0, batch.journalDel.length);
      savedOutbox = o.next;
      savedHealth = h.next;
      windowsChanged = false;
      dirty = false;
    },
    stats: () => ({
      partitions: checkpoints.size,
      seen: seen.size,
      alerts: alerts.size,
      suppressions: suppression.size,
      outbox: outboxEntries.size,
      pendingDeliveries: [...outboxEntries.values()].reduce((n, e) => n + e.pending.length, 0),
    }),
  };
}
