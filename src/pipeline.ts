import type { Locale } from './util/locale.js';
import { advanceCheckpoint } from './state/checkpoint.js';
import { streamRetention, streamWatermark } from './state/watermark.js';
import { insanity, type AuditEvent } from './events/index.js';
import type { EnrichEvent } from './events/geo.js';
import { clean } from './rules/alert.js';
import type { Alert, CompiledRule, RuleSet } from './rules/index.js';
import { createEngine, usableStates } from './rules/engine.js';
import { memorySuppression } from './rules/model.js';
import type { Source, SourceStats } from './sources/types.js';
import { lateBy, observedLateness, windowLatenessMs } from './sources/lateness.js';
import { fetchPlanned, planRanges } from './sources/range.js';
import type { RunState } from './state/ephemeral.js';
import type { Clock } from './util/clock.js';
import { createIdSet } from './util/id-set.js';
import type { Logger } from './util/logger.js';

/**
 * The one wiring of every command that reads events, each stage one hop away:
 *   source      sources/index.ts (a plugin per provider; each normalizes into events/schema.ts; opened by
 *               sources/many.ts); what each run reads: sources/range.ts, re-reads: sources/lateness.ts
 *   → dedupe    state/ (seen ids, checkpoints: state/checkpoint.ts)
 *   → enrich    events/geo.ts (geo for sourceIp; only with `enrich.geoip`, opened with the rules by config/validate.ts)
 *   → rules     rules/engine.ts (a plugin per rule type: rules/types/)
 *   → outbox    notifiers/outbox.ts, saved with everything else in one atomic write (state/store.ts)
 *   → notifiers notifiers/deliver.ts (routing: notifiers/route.ts)
 * `audit events` stops after the source (sources/event-stream.ts), `audit rules test` after the rules
 * (evaluate); `audit check` and each tick of `audit watch` run it all (check-session.ts: the lock,
 * persistence before delivery, the stop signal).
 */
export interface PipelineDeps {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  now: Clock;
  /** What a file source reads for `-`. */
  stdin?: NodeJS.ReadableStream;
}

export interface EvaluateInput {
  source: Source;
  ruleSet: RuleSet;
  /** The enrichment stage (events/geo.ts), when the config asks for it. */
  enrich?: EnrichEvent;
  state: RunState;
  since?: Date;
  until?: Date;
  latenessMs: number;
  /** Languages to describe alerts in, the run's first (default English). */
  locales?: readonly Locale[];
  signal?: AbortSignal;
  /** Each new alert as soon as it is raised (then `alerts` stays empty): a replay of millions holds none. */
  onAlerts?: (alerts: Alert[]) => Promise<void> | void;
  /** Every event a rule's condition matched (`audit rules test`). */
  onMatch?: (rule: CompiledRule, event: AuditEvent) => void;
  /** An event not evaluated because of its time or shape (events/sanity.ts), the first time it is seen. */
  onQuarantine?: (event: AuditEvent, reason: string) => void;
  onProgress?: (p: { partition: string; pages: number; events: number }) => void;
  /** `--learn-only`: rule states (baselines, window history) are recorded, no alert is raised. */
  learnOnly?: boolean;
}

export interface EvaluateResult {
  fetched: number;
  fresh: number;
  /** Events set aside instead of evaluated (see events/sanity.ts). */
  quarantined: number;
  /** The new alerts (empty when they went to `onAlerts`). */
  alerts: Alert[];
  alertCount: number;
  apiCalls: number;
  failedPartitions: string[];
  /** What each failed partition failed with (state/health.ts records it). */
  partitionErrors: Map<string, unknown>;
  /** The earliest range start fetched (Infinity for a replay without --since): state for it must outlive this run. */
  startMs: number;
  /** The end of the time judged: --until/now, or the latest event of a replay. */
  endMs: number;
  /** The first source failure, for the one-line message and the exit code. */
  error?: unknown;
  /** A polled source's lateness: the most observed over its partitions (24 h), and the deepest re-read. */
  lateness?: { observedMs: number; refetchMs: number };
}

/**
 * Source → dedupe → rules, for one run. Works out each partition's range, fetches, skips events
 * already evaluated, and judges every evaluation point the run completes (see docs/rules.md).
 * Writes only to `state` in memory; the caller persists before delivering, so a crash never
 * raises an alert twice.
 */
export async function evaluate(deps: Pick<PipelineDeps, 'logger' | 'now'>, input: EvaluateInput): Promise<EvaluateResult> {
  const { logger } = deps;
  const { source, state, ruleSet } = input;
  const enrich = input.enrich;
  const replay = source.replay === true;
  const stream = source.stream === true;
  const now = deps.now();
  const nowMs = now.getTime();
  const until = input.until ?? (replay ? undefined : now);
  const partitions = source.partitions();
  // A partition renamed by an upgrade resumes from its old checkpoint.
  const checkpointOf = (p: string) => {
    const previous = source.previousName?.(p);
    return state.checkpoint(p) ?? (previous === undefined ? undefined : state.checkpoint(previous));
  };
  const checkpoints = new Map(partitions.map((p) => [p, checkpointOf(p)]));
  // A polled source learns how late its events show up; a recording or a stream has no such thing.
  const polled = !replay && !stream;
  // A replay judges its own range's windows, but a baseline (firstSeen) goes on whatever the source.
  const stored = replay ? state.ruleStates().filter(([id]) => ruleSet.byId.get(id)?.type.windowed === false) : state.ruleStates();
  const restored = usableStates(ruleSet, stored, (m) => logger.warn(m));
  const windowed = ruleSet.rules.filter((r) => r.type.windowed);
  // Learning only: suppression must not remember alerts nobody was told about.
  const suppression = input.learnOnly ? memorySuppression() : state.suppression;
  const windowLateness = polled ? windowLatenessMs(input.latenessMs) : input.latenessMs;
  const engine = createEngine(ruleSet, { now: deps.now, suppression, latenessMs: windowLateness, restored, onMatch: input.onMatch, locales: input.locales });
  const { ranges, start } = planRanges({
    partitions: checkpoints,
    replay,
    since: input.since,
    until,
    latenessMs: input.latenessMs,
    lookbackMs: ruleSet.lookbackMs,
    historyNeeded: windowed.length > 0,
    startsAfresh: input.since !== undefined || windowed.some((r) => !restored.has(r.rule.id)),
    resumesAt: engine.resumesAt(),
    frontiers: polled ? new Map(partitions.map((p) => [p, state.frontier(p)])) : undefined,
    nowMs,
  });
  // A stream delivers history (a group reading a topic from its start): like a replay, windows
  // started afresh judge from their first event, not from "15 minutes ago".
  engine.begin(stream && !input.since ? { historyFromMs: -Infinity } : start, input.since && !replay ? start : undefined);

  const result: EvaluateResult = { fetched: 0, fresh: 0, quarantined: 0, alerts: [], alertCount: 0, apiCalls: 0, failedPartitions: [], partitionErrors: new Map(), startMs: Infinity, endMs: until?.getTime() ?? -Infinity };
  // Already raised (an earlier run, or earlier in this one): dropped; new ones recorded at once.
  let withheld = 0;
  const raise = async (alerts: Alert[]) => {
    if (input.learnOnly) return void (withheld += alerts.length);
    const kept = alerts.filter((alert) => !state.hasAlert(alert.id) && (state.recordAlert(alert), true));
    result.alertCount += kept.length;
    if (input.onAlerts) {
      if (kept.length > 0) await input.onAlerts(kept);
    } else for (const a of kept) result.alerts.push(a);
  };
  // Fingerprints, not strings: a replay of millions must not hold every id.
  const seenThisRun = createIdSet();
  let latest = '';
  let earliest = '\uffff';
  let completeToMs = Infinity;
  const raised: Alert[] = [];

  for (const partition of partitions) {
    const range = ranges.get(partition)!;
    const newFrom = range.newFrom.toISOString();
    // An event new to this run from before where the last run had read showed up late.
    const readTo = polled && !input.since ? checkpoints.get(partition)?.toISOString() : undefined;
    let lateMs = 0;
    if (!replay || input.since) result.startMs = Math.min(result.startMs, range.start.getTime());
    logger.debug({ partition, start: range.start.toISOString(), end: range.end.toISOString() }, 'fetching');
    try {
      const judge = enrich ? undefined : { ruleSet, nowMs, everyMatch: input.onMatch !== undefined };
      for await (const [batch, swept] of fetchPlanned(source, partition, range, { signal: input.signal, onProgress: input.onProgress, judge })) {
        for (const event of batch) {
          if (!seenThisRun.add(event.id)) continue; // overlapping slices or pages may repeat an event
          result.fetched++;
          // A poison record is set aside, once: it never blocks the checkpoint or the events after it.
          const problem = insanity(event, nowMs);
          if (problem !== undefined) {
            result.quarantined++;
            if (!state.hasSeen(event.id)) {
              state.markSeen(event.id, now.toISOString());
              logger.warn({ partition, event: clean(event.id, 100), reason: problem }, 'event quarantined: not evaluated');
              input.onQuarantine?.(event, problem);
            }
            continue;
          }
          if (event.time > latest) latest = event.time;
          // A stream hands over events of any age: what the state keeps follows their times, not the clock's.
          if (stream && event.time < earliest) earliest = event.time;
          // Events before newFrom are history for windows only; already-evaluated ones never alert again.
          const isNew = (stream || event.time >= newFrom) && !state.hasSeen(event.id);
          if (isNew) {
            result.fresh++;
            state.markSeen(event.id, event.time);
            if (readTo !== undefined && event.time < readTo) lateMs = Math.max(lateMs, lateBy(Date.parse(event.time), Date.parse(readTo), swept, range.depthMs, input.latenessMs));
          }
          // History too: window and travel states judge every event they are given.
          if (enrich) enrich(event);
          const alerts = engine.push(event, isNew);
          for (let i = 0; i < alerts.length; i++) raised.push(alerts[i]);
        }
        // Raised per batch, not per event: one write and one outbox step for a page or a chunk of a file.
        if (raised.length > 0) await raise(raised.splice(0));
        // A recording streams in time order: every point before its latest event is complete.
        if (replay && latest !== '') await raise(engine.advance(Date.parse(latest) - 1));
      }
      if (!replay) completeToMs = Math.min(completeToMs, advanceCheckpoint(state, partition, range, now, logger, polled ? lateMs : undefined));
    } catch (err) {
      // What the failed batch raised before the failure still goes out: its events are marked seen.
      if (raised.length > 0) await raise(raised.splice(0));
      completeToMs = -Infinity;
      result.failedPartitions.push(partition);
      result.partitionErrors.set(partition, err);
      logger.error({ partition, err: errorText(err) }, 'source failed; its checkpoint stays, the next run covers the gap');
      result.error ??= err;
    }
  }

  if (replay) await raise(until ? engine.advance(until.getTime()) : engine.finish());
  else {
    // Restored states judge up to where every partition's data is contiguous (the checkpoints);
    // states started this run, up to the end of the range when every partition was fetched.
    let contiguous = Math.min(...partitions.map((p) => state.checkpoint(p)?.getTime() ?? -Infinity));
    // A stream's partitions are read unevenly: judged only as far as the one furthest behind.
    if (stream && source.progress && completeToMs > -Infinity) {
      const watermark = streamWatermark(state, source.progress(), nowMs, input.latenessMs);
      completeToMs = Math.min(completeToMs, watermark);
      contiguous = Math.min(contiguous, watermark);
    }
    await raise(engine.advance(completeToMs, contiguous));
    if (result.failedPartitions.length > 0 && windowed.length > 0) logger.warn('window rules are judged only up to the failed partition\'s checkpoint; the next run judges the rest');
  }
  state.setRuleStates(engine.states());
  if (withheld > 0) logger.info({ alerts: withheld }, 'learn only: alerts not raised');
  if (engine.dropped() > 0) {
    const hint = replay ? ' (a recorded file should be in time order, oldest first)' : '';
    logger.warn({ events: engine.dropped(), latenessMs: windowLateness }, `events arrived later than source.lateness behind newer ones; window rules did not count them${hint}`);
  }
  if (replay && !until && latest !== '') result.endMs = Date.parse(latest);
  if (stream) streamRetention(result, completeToMs, earliest === '\uffff' ? undefined : [earliest, latest]);
  result.apiCalls = source.stats().apiCalls;
  // An explicit --since chose its own range: there was no re-read to report.
  if (polled && !input.since) {
    const observedMs = Math.max(0, ...partitions.map((p) => observedLateness(state.frontier(p), Math.min(nowMs, until!.getTime()))));
    result.lateness = { observedMs, refetchMs: Math.max(0, ...[...ranges.values()].map((r) => r.depthMs)) };
  }
  return result;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export type { SourceStats };
export { eventStream } from './sources/event-stream.js';
export { createSource } from './sources/many.js';

export { checkSession, runCheck, STOP_GRACE_MS, type CheckDeps, type CheckRequest, type CheckSession, type CheckSummary } from './check-session.js';
