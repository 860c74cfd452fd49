import { join, resolve } from 'node:path';
import { AuditError } from '../errors.js';
import type { Alert, SuppressionStore } from '../rules/model.js';
import type { StoredRuleState } from '../rules/engine.js';
import type { Logger } from '../util/logger.js';
import { removeStaleTempFiles, writeFileAtomic } from './atomic.js';
import { openJournal } from './journal.js';
import { loadStateFile } from './load.js';
import { reasonOf, type StateLock } from './lock.js';
import { createOutbox, type Outbox, type OutboxEntry } from '../notifiers/outbox.js';
import { createHealthBook, type HealthBook } from './health.js';
import type { Frontier } from '../sources/lateness.js';
import { frontierOf, frontierRecord, frontierSchema, STATE_FILE, STATE_VERSION, type PartitionHealth, type StateFile } from './schema.js';
import { makeDirs } from '../util/make-dirs.js';

/** 9999-12-31T23:59:59.999Z: later times do not print as plain ISO-8601. */
const MAX_TIME_MS = 253_402_300_799_999;

export interface OpenStateOptions {
  dir: string;
  logger: Logger;
  now?: () => Date;
  /** For --dry-run: nothing is created, moved, cleaned or written, and no lock is needed. */
  readOnly?: boolean;
  /** The lock from acquireLock: once another process has taken it over, save() refuses. */
  lock?: StateLock;
}

export interface StateStats {
  partitions: number;
  seen: number;
  alerts: number;
  suppressions: number;
  outbox: number;
  pendingDeliveries: number;
}

export interface PruneResult {
  seen: number;
  alerts: number;
  suppressions: number;
}

export interface StateStore {
  readonly dir: string;
  readonly file: string;
  readonly readOnly: boolean;
  /** The time up to which events of `partition` (e.g. `tencentcloud/ap-guangzhou`) were fetched. */
  checkpoint(partition: string): Date | undefined;
  setCheckpoint(partition: string, at: Date): void;
  /** Every partition's checkpoint (`audit status`). */
  checkpoints(): [string, Date][];
  /** How late the partition's events show up, and where it has settled (sources/lateness.ts). */
  frontier(partition: string): Frontier | undefined;
  setFrontier(partition: string, frontier: Frontier): void;
  hasSeen(eventId: string): boolean;
  markSeen(eventId: string, eventTimeIso: string): void;
  hasAlert(alertId: string): boolean;
  recordAlert(alertId: string, timeIso: string): void;
  recordAlert(alert: Pick<Alert, 'id' | 'time'>): void;
  readonly suppression: SuppressionStore;
  readonly outbox: Outbox;
  /** Per partition, how the last run went and any lagging spell (see health.ts). */
  readonly health: HealthBook;
  /** What window rules kept at the end of the last run (see rules/engine.ts). */
  ruleStates(): readonly StoredRuleState[];
  setRuleStates(states: readonly StoredRuleState[]): void;
  /**
   * Forgets seen events and raised alerts whose time is before `olderThan` (give it
   * now - lateness - longest rule window), and suppression times before
   * `suppressionOlderThan` (now - longest suppression; defaults to `olderThan`).
   * Checkpoints and the outbox are never pruned.
   */
  prune(olderThan: Date, suppressionOlderThan?: Date): PruneResult;
  /** Atomic; a no-op when nothing changed or the store is read-only. */
  save(): Promise<void>;
  /** Records one completed delivery at once (see journal.ts); a no-op for a read-only store. */
  journalDelivered(alertId: string, notifier: string): void;
  /** The lock of the run now using this store (`audit watch` keeps one store across runs, each with its own lock). */
  useLock(lock: StateLock | undefined): void;
  stats(): StateStats;
}

/** Refused here rather than written: a value the schema rejects would get the whole state salvaged on the next load. */
export function checkedFrontier(partition: string, f: Frontier): Frontier {
  const time = (ms: number) => ms >= 0 && ms <= MAX_TIME_MS;
  if (!time(f.settledMs) || !time(f.sinceMs) || !frontierSchema.safeParse(frontierRecord(f)).success) {
    throw new AuditError('E_STATE', `frontier of ${partition}: invalid record`);
  }
  return f;
}

/**
 * Everything lives in one file so that a save is one atomic rename: the advanced checkpoint,
 * the ids marked seen, the raised alerts and their outbox entries commit together. With two
 * files a crash between the writes would either lose alerts (marked raised, never queued) or
 * re-raise them.
 */
export async function openState(opts: OpenStateOptions): Promise<StateStore> {
  const dir = resolve(opts.dir);
  const file = join(dir, STATE_FILE);
  const now = opts.now ?? (() => new Date());
  const readOnly = opts.readOnly ?? false;
  if (!readOnly) {
    try {
      await makeDirs(dir);
      const removed = await removeStaleTempFiles(file);
      if (removed.length > 0) opts.logger.debug({ dir, removed }, 'removed temp files left by an interrupted save');
    } catch (err) {
      throw new AuditError('E_STATE', `${dir}: cannot use state directory (${reasonOf(err)})`, { cause: err });
    }
  }
  const data = await loadStateFile(file, { logger: opts.logger, now, readOnly });

  const checkpoints = new Map((data?.checkpoints ?? []).map(([k, t]) => [k, Date.parse(t)]));
  const seen = new Map((data?.seen ?? []).map(([k, t]) => [k, Date.parse(t)]));
  const alerts = new Map((data?.alerts ?? []).map(([k, t]) => [k, Date.parse(t)]));
  const suppression = new Map(data?.suppression ?? []);
  const outboxEntries = new Map<string, OutboxEntry>((data?.outbox ?? []).map((e) => [e.alert.id, e]));
  let ruleStates: readonly StoredRuleState[] = (data?.windows ?? []) as StoredRuleState[];
  const healthMap = new Map<string, PartitionHealth>(data?.health ?? []);
  const frontiers = new Map<string, Frontier>((data?.frontiers ?? []).map(([p, r]) => [p, frontierOf(r)]));
  const journal = openJournal(dir);
  let dirty = false;
  let lock = opts.lock;
  const changed = () => void (dirty = true);

  // Refused here rather than written: a value the schema rejects would get the whole file moved aside next run.
  const checkedMs = (what: string, ms: number, shown: unknown): number => {
    if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) {
      throw new AuditError('E_STATE', `${what}: invalid time ${JSON.stringify(shown)}`);
    }
    return Math.round(ms);
  };
  const timeOf = (what: string, iso: string) => checkedMs(what, Date.parse(iso), iso);
  const pruneMap = (map: Map<string, number>, beforeMs: number): number => {
    let removed = 0;
    for (const [k, t] of map) if (t < beforeMs && map.delete(k)) removed++;
    return removed;
  };

  const outbox = createOutbox(outboxEntries, now, changed);
  const health = createHealthBook(healthMap, changed);
  // Deliveries a killed run completed after its last save.
  const done = journal.read();
  for (const { alertId, notifier } of done) outbox.markDelivered(alertId, notifier);
  if (done.length > 0) opts.logger.info({ deliveries: done.length }, 'outbox: deliveries completed by an interrupted run applied from its journal');

  return {
    dir,
    file,
    readOnly,
    checkpoint: (partition) => (checkpoints.has(partition) ? new Date(checkpoints.get(partition)!) : undefined),
    setCheckpoint(partition, at) {
      checkpoints.set(partition, checkedMs(`checkpoint ${partition}`, at.getTime(), String(at)));
      changed();
    },
    checkpoints: () => [...checkpoints].map(([k, t]) => [k, new Date(t)]),
    frontier: (partition) => frontiers.get(partition),
    setFrontier(partition, f) {
      frontiers.set(partition, checkedFrontier(partition, f));
      changed();
    },
    hasSeen: (eventId) => seen.has(eventId),
    markSeen(eventId, eventTimeIso) {
      seen.set(eventId, timeOf(`event ${eventId}`, eventTimeIso));
      changed();
    },
    hasAlert: (alertId) => alerts.has(alertId),
    recordAlert(alertOrId: string | Pick<Alert, 'id' | 'time'>, timeIso?: string) {
      const [id, time] = typeof alertOrId === 'string' ? [alertOrId, timeIso ?? ''] : [alertOrId.id, alertOrId.time];
      alerts.set(id, timeOf(`alert ${id}`, time));
      changed();
    },
    suppression: {
      get: (key) => suppression.get(key),
      set(key, atMs) {
        suppression.set(key, checkedMs(`suppression ${key}`, atMs, atMs));
        changed();
      },
    },
    outbox,
    health,
    journalDelivered(alertId, notifier) {
      if (!readOnly) journal.delivered(alertId, notifier);
    },
    ruleStates: () => ruleStates,
    setRuleStates(states) {
      ruleStates = states;
      changed();
    },
    prune(olderThan, suppressionOlderThan = olderThan) {
      const result = {
        seen: pruneMap(seen, olderThan.getTime()),
        alerts: pruneMap(alerts, olderThan.getTime()),
        suppressions: pruneMap(suppression, suppressionOlderThan.getTime()),
      };
      if (result.seen + result.alerts + result.suppressions > 0) changed();
      return result;
    },
    useLock(next) {
      lock = next;
    },
    async save() {
      if (readOnly || !dirty) return;
      if (lock?.compromised) {
        throw new AuditError('E_STATE', `${file}: not saved, the state lock was taken over by another run`, {
          cause: lock.compromised,
        });
      }
      const iso = (entries: Map<string, number>) => [...entries].map(([k, t]) => [k, new Date(t).toISOString()]);
      const content: StateFile = {
        version: STATE_VERSION,
        savedAt: now().toISOString(),
        checkpoints: iso(checkpoints) as StateFile['checkpoints'],
        seen: iso(seen) as StateFile['seen'],
        alerts: iso(alerts) as StateFile['alerts'],
        suppression: [...suppression],
        outbox: [...outboxEntries.values()],
        windows: ruleStates as StateFile['windows'],
        health: [...healthMap],
        frontiers: [...frontiers].map(([p, f]) => [p, frontierRecord(f)]),
      };
      try {
        await writeFileAtomic(file, JSON.stringify(content));
      } catch (err) {
        throw new AuditError('E_STATE', `${file}: cannot save state`, { cause: err });
      }
      // Everything the journal said is in the file now.
      journal.clear();
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
