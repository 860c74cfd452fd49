import { AuditError } from '../errors.js';
import { safeLine } from '../events/text-width.js';
import { laggingAlert } from '../rules/builtin/audit-lagging.js';
import type { Alert } from '../rules/model.js';
import type { Source } from '../sources/types.js';
import type { Locale } from '../util/locale.js';
import { redact } from '../util/secrets.js';
import { partitionHealthSchema, type PartitionHealth } from './schema.js';
import type { StateStore } from './store.js';

/**
 * Watching the watcher: each run records per partition how it went, and a partition whose
 * checkpoint falls more than health.maxLag behind raises `audit-lagging` once per spell. The
 * spell lives in the state, not in the raised-alert ids (those are pruned after hours), so a
 * spell of days still raises once; and it is saved with the outbox entry, so a crash never
 * raises twice.
 */
export interface HealthBook {
  get(partition: string): PartitionHealth | undefined;
  set(partition: string, health: PartitionHealth): void;
  delete(partition: string): void;
  entries(): [string, PartitionHealth][];
}

/** `map` is owned by the store; `changed` marks it dirty. */
export function createHealthBook(map: Map<string, PartitionHealth>, changed: () => void): HealthBook {
  return {
    get: (partition) => map.get(partition),
    set(partition, health) {
      // A value the schema rejects would get the whole state file salvaged on the next load.
      if (!partitionHealthSchema.safeParse(health).success) throw new AuditError('E_STATE', `health of ${partition}: invalid record`);
      map.set(partition, health);
      changed();
    },
    delete: (partition) => void (map.delete(partition) && changed()),
    entries: () => [...map],
  };
}

/**
 * Errors are stored and sent: secrets masked first (a cut would hide one from the mask), then one
 * bounded line, without the partition's name in front (the record is the partition's already).
 */
export function errorLine(err: unknown, partition = ''): string {
  let text = safeLine(redact(err instanceof Error ? err.message : String(err)));
  if (partition && text.startsWith(`${partition}: `)) text = text.slice(partition.length + 2);
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

/** How far behind a partition is: from its checkpoint, or, never fetched, from its first failure in a row. */
export function lagOf(health: PartitionHealth | undefined, checkpoint: Date | undefined, now: Date): number | undefined {
  if (checkpoint) return Math.max(0, now.getTime() - checkpoint.getTime());
  if (health?.failingSince) return Math.max(0, now.getTime() - Date.parse(health.failingSince));
  return undefined;
}

export interface RunHealth {
  /** Its partitions are the run's; records of others (no longer configured) are dropped. */
  source: Pick<Source, 'partitions' | 'previousName'>;
  /** The partitions that failed, with their error. */
  failed: ReadonlyMap<string, unknown>;
  now: Date;
  maxLagMs?: number;
  /** false (`--learn-only`): the runs are recorded, spells neither begin nor end. */
  raise: boolean;
  locales: readonly Locale[];
}

/** Records the run and returns the audit-lagging alerts of spells that began, recorded as raised. */
export function watchRun(store: Pick<StateStore, 'health' | 'recordAlert' | 'checkpoint'>, run: RunHealth): Alert[] {
  const book = store.health;
  const at = run.now.toISOString();
  const partitions = run.source.partitions();
  // A partition renamed by an upgrade lags from its old checkpoint until its first success.
  const checkpointOf = (p: string) => {
    const old = run.source.previousName?.(p);
    return store.checkpoint(p) ?? (old === undefined ? undefined : store.checkpoint(old));
  };
  for (const [partition] of book.entries()) if (!partitions.includes(partition)) book.delete(partition);
  const alerts: Alert[] = [];
  for (const partition of partitions) {
    const prev = book.get(partition);
    const failed = run.failed.has(partition);
    const next: PartitionHealth = {
      lastRunAt: at,
      result: failed ? 'failed' : 'ok',
      error: failed ? errorLine(run.failed.get(partition), partition) : null,
      failingSince: failed ? (prev?.failingSince ?? at) : null,
      laggingSince: prev?.laggingSince ?? null,
    };
    if (run.raise) {
      const checkpoint = checkpointOf(partition);
      const lag = lagOf(next, checkpoint, run.now);
      const lagging = run.maxLagMs !== undefined && lag !== undefined && lag > run.maxLagMs;
      if (!lagging) next.laggingSince = null;
      else if (next.laggingSince === null) {
        // When it crossed the line, not when a run noticed: the same for every run that sees it.
        const from = checkpoint?.getTime() ?? Date.parse(next.failingSince!);
        next.laggingSince = new Date(from + run.maxLagMs!).toISOString();
        const alert = laggingAlert({ partition, health: next, checkpoint, lagMs: lag, maxLagMs: run.maxLagMs!, now: run.now }, run.locales);
        store.recordAlert(alert);
        alerts.push(alert);
      }
    }
    book.set(partition, next);
  }
  return alerts;
}

/**
 * Stands in for a source that could not even be opened (STS refusing expired keys, say): the
 * partitions the last runs fetched, each failing with that error, so the run records the
 * failure and can still raise audit-lagging. Without earlier runs there is nothing to stand in for.
 */
export function unreachableSource(err: unknown, store: Pick<StateStore, 'health'>): Source | undefined {
  const partitions = store.health.entries().map(([p]) => p);
  if (partitions.length === 0) return undefined;
  return {
    partitions: () => [...partitions],
    // eslint-disable-next-line require-yield
    async *fetch() {
      throw err;
    },
    stats: () => ({ apiCalls: 0, retries: 0 }),
  };
}
