import type { AuditEvent } from '../events/index.js';
import type { Alert } from '../rules/types.js';
import type { Source } from '../sources/types.js';
import type { Logger } from '../util/logger.js';
import { createIdSet } from '../util/id-set.js';
import type { CheckRules } from './rules.js';
import type { CheckState } from './state.js';
import { partitionRange } from './range.js';

export interface CheckOptions {
  since?: Date;
  until?: Date;
  input?: string;
  latenessMs: number;
  /**
   * Replaying a recorded file: its events are old, so no checkpoint range applies (only an
   * explicit --since/--until filters) and windows end at --until or the latest event seen.
   */
  replay?: boolean;
  /**
   * Given: each new alert goes here as soon as it is raised, and `alerts` stays empty, so a
   * replay of millions holds no alerts in memory. Only for runs with nothing to persist first.
   */
  onAlerts?: (alerts: Alert[]) => Promise<void> | void;
}

export interface EvaluateResult {
  fetched: number;
  fresh: number;
  /** The new alerts (empty when they went to `onAlerts`). */
  alerts: Alert[];
  alertCount: number;
  apiCalls: number;
  failedPartitions: string[];
  /** The time the run's evaluation ended at: --until/now, or the latest event of a replay. */
  endMs: number;
  /** The earliest range start fetched (Infinity for a replay without --since): state for it must outlive this run. */
  startMs: number;
  /** The first source failure, for the one-line message and the exit code. */
  error?: unknown;
}

export interface EvaluateDeps {
  logger: Logger;
  now: () => Date;
  rules: CheckRules;
  state: CheckState;
  /** Either the API source or, for --input, a single pseudo-partition over the recorded file. */
  source: Pick<Source, 'partitions' | 'fetch' | 'stats'>;
}

/**
 * Steps 2-4 of a check: work out each partition's range, fetch, skip events already evaluated,
 * run the rules and drop alerts already raised. Nothing is written here; the caller persists
 * the result before delivering, so a crash never raises an alert twice.
 */
export async function evaluate(deps: EvaluateDeps, opts: CheckOptions): Promise<EvaluateResult> {
  const { logger, state, rules } = deps;
  const until = opts.until ?? deps.now();
  const engine = rules.engine(opts.replay ? opts.until : until, state.suppression);
  const result: EvaluateResult = {
    fetched: 0,
    fresh: 0,
    alerts: [],
    alertCount: 0,
    apiCalls: 0,
    failedPartitions: [],
    endMs: opts.replay && !opts.until ? -Infinity : until.getTime(),
    startMs: opts.replay ? (opts.since?.getTime() ?? Infinity) : Infinity,
  };
  // Fingerprints, not strings: a replay of millions must not hold every id.
  const seenThisRun = createIdSet();
  const trackEnd = opts.replay && !opts.until;
  let latest = '';
  // Already raised (an earlier run, or earlier in this one): dropped; new ones recorded at once.
  const fresh = (alerts: Alert[]) =>
    alerts.filter((alert) => {
      if (state.hasAlert(alert.id)) return false;
      state.recordAlert(alert);
      return true;
    });
  const raise = async (alerts: Alert[]) => {
    const kept = fresh(alerts);
    result.alertCount += kept.length;
    if (opts.onAlerts) {
      if (kept.length > 0) await opts.onAlerts(kept);
    } else for (const a of kept) result.alerts.push(a);
  };

  for (const partition of deps.source.partitions()) {
    const range = partitionRange({
      until,
      since: opts.since,
      checkpoint: state.checkpoint(partition),
      latenessMs: opts.latenessMs,
      lookbackMs: rules.lookbackMs,
    });
    if (!opts.replay) result.startMs = Math.min(result.startMs, range.start.getTime());
    logger.debug({ partition, start: range.start.toISOString(), end: range.end.toISOString() }, 'fetching');
    try {
      for await (const batch of deps.source.fetch(partition, range)) {
        for (const event of batch) {
          if (!seenThisRun.add(event.id)) continue; // overlapping slices or pages may repeat an event
          result.fetched++;
          if (trackEnd && event.time > latest) latest = event.time;
          const isNew = !state.hasSeen(event.id);
          if (isNew) {
            result.fresh++;
            state.markSeen(event.id, event.time);
          }
          // Already-evaluated events still count in windows; only new ones can raise per-event alerts.
          const alerts = engine.push(event, isNew);
          if (alerts.length > 0) await raise(alerts);
        }
      }
      if (!opts.replay) advanceCheckpoint(state, partition, range.start, until, deps.now(), logger);
    } catch (err) {
      result.failedPartitions.push(partition);
      logger.error({ partition, err: errorText(err) }, 'source failed; its checkpoint stays, the next run covers the gap');
      result.error ??= err;
    }
  }
  // A window over partial data could alert falsely (or miss): only judge windows on complete runs.
  if (result.failedPartitions.length === 0) await raise(engine.finish());
  else if (rules.hasAggregates) logger.warn('window rules skipped this run because a partition failed');
  if (trackEnd && latest !== '') result.endMs = Date.parse(latest);

  result.apiCalls = deps.source.stats().apiCalls;
  return result;
}

/**
 * The checkpoint says "everything before this was fetched", so it only moves forward and only
 * over time this run covered without a gap: an explicit --since later than it, a re-check of
 * an old range, or an --until in the future must not make the next run skip events.
 */
function advanceCheckpoint(state: CheckState, partition: string, start: Date, until: Date, now: Date, logger: Logger): void {
  const prev = state.checkpoint(partition);
  const to = until < now ? until : now;
  if (prev && start > prev) {
    logger.debug({ partition, checkpoint: prev.toISOString(), start: start.toISOString() }, 'checkpoint kept: this range starts after it');
    return;
  }
  if (!prev || to > prev) state.setCheckpoint(partition, to);
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export type { AuditEvent };
