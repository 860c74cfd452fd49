import type { LoadedConfig } from './config/load.js';
import type { SourceConfig } from './config/schema.js';
import { prepareRules, type PreparedRules } from './config/validate.js';
import { AuditError } from './errors.js';
import { closeNotifiers, createNotifiers, deliverDirect, deliverOutbox, targetsFor } from './notifiers/index.js';
import { lockHolder } from './state/lock.js';
import { acquireLock, ephemeralState, openState, resolveStateDir, type StateLock, type StateStore } from './state/index.js';
import { advanceCheckpoint } from './state/checkpoint.js';
import { fileStamp, pruneAfterRun } from './state/retention.js';
import { appendQuarantine, quarantineEntry, unreadableEntry, type QuarantineEntry } from './state/quarantine.js';
import { insanity, type AuditEvent } from './events/index.js';
import { clean } from './rules/alert.js';
import type { Alert, CompiledRule, RuleSet } from './rules/index.js';
import { createEngine, usableStates } from './rules/engine.js';
import { ALL_TIME, type Source, type SourceStats } from './sources/types.js';
import { planRanges, type PartitionRange } from './sources/range.js';
import type { RunState } from './state/ephemeral.js';
import type { Clock } from './util/clock.js';
import { createIdSet } from './util/id-set.js';
import type { Logger } from './util/logger.js';

/**
 * The one wiring of every command that reads events, each stage one hop away:
 *   source      sources/index.ts (a plugin per provider; each normalizes into events/schema.ts)
 *   → dedupe    state/ (seen ids, checkpoints: state/checkpoint.ts; ranges: sources/range.ts)
 *   → rules     rules/engine.ts (a plugin per rule type: rules/types/)
 *   → outbox    notifiers/outbox.ts, saved with everything else in one atomic write (state/store.ts)
 *   → notifiers notifiers/deliver.ts (routing: notifiers/route.ts)
 * `audit events` stops after the source (eventStream), `audit rules test` after the rules
 * (evaluate); `audit check` and each tick of `audit watch` run it all (checkSession).
 */
export interface PipelineDeps {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  now: Clock;
  /** What a file source reads for `-`. */
  stdin?: NodeJS.ReadableStream;
}

export async function createSource(config: SourceConfig, deps: PipelineDeps & { skipped?: (reason: string) => void }): Promise<Source> {
  const { openSource } = await import('./sources/index.js');
  return openSource(config, deps);
}

/**
 * `audit events`: a source's normalized events of a range, partition after partition; events
 * that would be quarantined in a check (events/sanity.ts) are left out, each reported once.
 */
export function eventStream(
  source: Source,
  range: { start?: Date; end?: Date },
  opts: { now: Clock; onQuarantine: (event: AuditEvent, reason: string) => void; onProgress?: (p: { partition: string; pages: number; events: number }) => void },
) {
  const wanted = { start: range.start ?? ALL_TIME.start, end: range.end ?? ALL_TIME.end };
  const nowMs = opts.now().getTime();
  return (async function* all(): AsyncIterable<AuditEvent[]> {
    for (const partition of source.partitions()) {
      for await (const batch of source.fetch(partition, wanted, { onProgress: opts.onProgress })) {
        let bad = false;
        for (const event of batch) if (insanity(event, nowMs) !== undefined) bad = true;
        if (!bad) {
          yield batch;
          continue;
        }
        yield batch.filter((event) => {
          const reason = insanity(event, nowMs);
          if (reason !== undefined) opts.onQuarantine(event, reason);
          return reason === undefined;
        });
      }
    }
  })();
}

export interface EvaluateInput {
  source: Source;
  ruleSet: RuleSet;
  state: RunState;
  since?: Date;
  until?: Date;
  latenessMs: number;
  signal?: AbortSignal;
  /** Each new alert as soon as it is raised (then `alerts` stays empty): a replay of millions holds none. */
  onAlerts?: (alerts: Alert[]) => Promise<void> | void;
  /** Every event a rule's condition matched (`audit rules test`). */
  onMatch?: (rule: CompiledRule, event: AuditEvent) => void;
  /** An event not evaluated because of its time or shape (events/sanity.ts), the first time it is seen. */
  onQuarantine?: (event: AuditEvent, reason: string) => void;
  onProgress?: (p: { partition: string; pages: number; events: number }) => void;
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
  /** The earliest range start fetched (Infinity for a replay without --since): state for it must outlive this run. */
  startMs: number;
  /** The end of the time judged: --until/now, or the latest event of a replay. */
  endMs: number;
  /** The first source failure, for the one-line message and the exit code. */
  error?: unknown;
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
  const replay = source.replay === true;
  const now = deps.now();
  const nowMs = now.getTime();
  const until = input.until ?? (replay ? undefined : now);
  const partitions = source.partitions();
  const checkpoints = new Map(partitions.map((p) => [p, state.checkpoint(p)]));
  const restored = replay ? new Map<string, unknown>() : usableStates(ruleSet, state.ruleStates(), (m) => logger.warn(m));
  const windowed = ruleSet.rules.filter((r) => r.type.windowed);
  const engine = createEngine(ruleSet, { now: deps.now, suppression: state.suppression, latenessMs: input.latenessMs, restored, onMatch: input.onMatch });
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
  });
  engine.begin(start, input.since && !replay ? start : undefined);

  const result: EvaluateResult = { fetched: 0, fresh: 0, quarantined: 0, alerts: [], alertCount: 0, apiCalls: 0, failedPartitions: [], startMs: Infinity, endMs: until?.getTime() ?? -Infinity };
  // Already raised (an earlier run, or earlier in this one): dropped; new ones recorded at once.
  const raise = async (alerts: Alert[]) => {
    const kept = alerts.filter((alert) => !state.hasAlert(alert.id) && (state.recordAlert(alert), true));
    result.alertCount += kept.length;
    if (input.onAlerts) {
      if (kept.length > 0) await input.onAlerts(kept);
    } else for (const a of kept) result.alerts.push(a);
  };
  // Fingerprints, not strings: a replay of millions must not hold every id.
  const seenThisRun = createIdSet();
  let latest = '';
  let completeToMs = Infinity;

  for (const partition of partitions) {
    const range = ranges.get(partition)!;
    const newFrom = range.newFrom.toISOString();
    if (!replay || input.since) result.startMs = Math.min(result.startMs, range.start.getTime());
    logger.debug({ partition, start: range.start.toISOString(), end: range.end.toISOString() }, 'fetching');
    try {
      for await (const batch of source.fetch(partition, range, { signal: input.signal, onProgress: input.onProgress })) {
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
          // Events before newFrom are history for windows only; already-evaluated ones never alert again.
          const isNew = event.time >= newFrom && !state.hasSeen(event.id);
          if (isNew) {
            result.fresh++;
            state.markSeen(event.id, event.time);
          }
          const alerts = engine.push(event, isNew);
          if (alerts.length > 0) await raise(alerts);
        }
        // A recording streams in time order: every point before its latest event is complete.
        if (replay && latest !== '') await raise(engine.advance(Date.parse(latest) - 1));
      }
      if (!replay) completeToMs = Math.min(completeToMs, advanceCheckpoint(state, partition, range, now, logger));
    } catch (err) {
      completeToMs = -Infinity;
      result.failedPartitions.push(partition);
      logger.error({ partition, err: errorText(err) }, 'source failed; its checkpoint stays, the next run covers the gap');
      result.error ??= err;
    }
  }

  if (replay) await raise(until ? engine.advance(until.getTime()) : engine.finish());
  else {
    // Restored states judge up to where every partition's data is contiguous (the checkpoints);
    // states started this run, up to the end of the range when every partition was fetched.
    const contiguous = Math.min(...partitions.map((p) => state.checkpoint(p)?.getTime() ?? -Infinity));
    await raise(engine.advance(completeToMs, contiguous));
    if (result.failedPartitions.length > 0 && windowed.length > 0) logger.warn('window rules are judged only up to the failed partition\'s checkpoint; the next run judges the rest');
  }
  state.setRuleStates(engine.states());
  if (engine.dropped() > 0) {
    const hint = replay ? ' (a recorded file should be in time order, oldest first)' : '';
    logger.warn({ events: engine.dropped(), latenessMs: input.latenessMs }, `events arrived later than source.lateness behind newer ones; window rules did not count them${hint}`);
  }
  if (replay && !until && latest !== '') result.endMs = Date.parse(latest);
  result.apiCalls = source.stats().apiCalls;
  return result;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export type { SourceStats };

// ---- audit check / one tick of audit watch: lock → evaluate → persist → deliver ----

export interface CheckRequest {
  since?: Date;
  until?: Date;
  input?: string;
  /** Set: print this run's alerts in that format, in place of the stdout notifiers. */
  output?: 'text' | 'json';
  dryRun: boolean;
  noState: boolean;
  failOnMatch: boolean;
  lockTimeoutMs: number;
}

export interface CheckDeps extends PipelineDeps {
  stdout: NodeJS.WritableStream;
  cwd: string;
}

export interface CheckSummary {
  events: number;
  new: number;
  quarantined: number;
  alerts: number;
  delivered: number;
  pending: number;
  apiCalls: number;
  ms: number;
}

export interface CheckSession {
  /**
   * One check; resolves to its exit code. `stop` (SIGTERM, SIGINT, a watcher shutting down) ends
   * fetching at once; deliveries already under way get STOP_GRACE_MS to finish, none start after
   * a stop during the fetch, and the state is saved either way.
   */
  run(req: CheckRequest, stop?: AbortSignal): Promise<{ code: number; summary?: CheckSummary; stopped?: boolean }>;
}

/**
 * Checks against one config. The state stays in memory between runs (`audit watch`), and is read
 * again only when another process saved it in between; each run still takes the lock.
 */
export function checkSession(deps: CheckDeps, loaded: LoadedConfig, prepared: PreparedRules): CheckSession {
  const { logger } = deps;
  const ruleSet = prepared.ruleSet;
  const notify = new Map(prepared.enabled.map((r) => [r.id, r.notify]));
  const routes = (alert: Alert) => notify.get(alert.rule.id);
  const held: { store?: StateStore; stamp?: string } = {};

  return {
    async run(req, stop) {
      const started = Date.now();
      const signal = afterGrace(stop, STOP_GRACE_MS);
      const ctx = { logger, env: deps.env, now: deps.now, stdout: deps.stdout };
      const printer = req.output ?? (req.dryRun ? 'text' : undefined);
      const notifiers = createNotifiers(loaded.config.notifiers.filter((n) => !(printer && n.type === 'stdout')), ctx);
      const [stdoutPrinter] = printer ? createNotifiers([{ name: 'output', type: 'stdout', format: printer } as never], ctx) : [];
      let lock: StateLock | null = null;
      let store: StateStore | undefined;
      let source: Source | undefined;
      try {
        if (!req.noState) {
          const dir = resolveStateDir({ configuredDir: loaded.config.state.dir, configPath: loaded.path, env: deps.env, cwd: deps.cwd });
          if (!req.dryRun) {
            lock = await acquireLock(dir, { timeoutMs: req.lockTimeoutMs, logger });
            if (!lock) {
              await standDown(dir, deps.now(), logger);
              return { code: 0 };
            }
          }
          const reuse = !req.dryRun && held.store !== undefined && held.stamp === (await fileStamp(held.store.file));
          store = reuse ? held.store! : await openState({ dir, logger, now: deps.now, readOnly: req.dryRun, lock: lock ?? undefined });
          store.useLock(lock ?? undefined);
        }
        const latenessMs = loaded.config.source.lateness;
        const sourceConfig = req.input ? ({ provider: 'file', path: req.input, lateness: latenessMs } as const) : loaded.config.source;
        // Records the source could not even read are set aside with the quarantined events.
        const quarantined: QuarantineEntry[] = [];
        let unreadable = 0;
        const skipped = (reason: string) => {
          unreadable++;
          quarantined.push(unreadableEntry(reason, sourceConfig.provider, deps.now()));
        };
        source = await createSource(sourceConfig, { ...deps, skipped });
        // With nothing to persist first and nothing but the printer to deliver to, alerts are printed
        // as they are raised: a replay of millions then holds none of them in memory.
        const streamed = stdoutPrinter !== undefined && !(store && !req.dryRun) && (req.dryRun || notifiers.length === 0);
        const result = await evaluate(deps, {
          source,
          ruleSet,
          state: store ?? ephemeralState(),
          since: req.since,
          until: req.until,
          latenessMs,
          signal: stop,
          onQuarantine: (event, reason) => void quarantined.push(quarantineEntry(event, reason, deps.now())),
          onAlerts: streamed ? async (batch) => void (await stdoutPrinter.send(batch)) : undefined,
        });
        const alerts = result.alerts;

        // Persist before delivering: a crash after this point re-sends (at least once), never re-raises.
        // The printer is output, not a delivery: with no notifier every alert counts as delivered.
        let delivered = streamed && !req.dryRun ? result.alertCount : 0;
        let pending = 0;
        if (store && !req.dryRun) {
          for (const alert of alerts) store.outbox.add(alert, targetsFor(alert, notifiers, routes));
          pruneAfterRun(store, result, latenessMs, prepared.enabled, deps.now());
          await store.save();
        }
        if (stdoutPrinter && !streamed && alerts.length) await stdoutPrinter.send(alerts);
        const stoppedEarly = stop?.aborted === true;
        if (stoppedEarly) logger.warn({ pending: store?.outbox.size }, 'stopped before delivering; the alerts wait in the outbox for the next run');
        else if (store && !req.dryRun) {
          const journal = store;
          ({ delivered, pending } = await deliverOutbox(store.outbox, notifiers, logger, {
            signal,
            budgetMs: loaded.config.delivery.budget,
            onDelivered: (id, notifier) => journal.journalDelivered(id, notifier),
          }));
          await store.save();
          held.store = store;
          held.stamp = await fileStamp(store.file);
        } else if (!req.dryRun && !streamed) {
          ({ delivered, pending } = await deliverDirect(alerts, notifiers, routes, logger, { signal, budgetMs: loaded.config.delivery.budget }));
        }
        if (stoppedEarly && store && !req.dryRun) await store.save();

        if (store && !req.dryRun) await appendQuarantine(store.dir, quarantined);
        const summary: CheckSummary = { events: result.fetched, new: result.fresh, quarantined: result.quarantined + unreadable, alerts: result.alertCount, delivered, pending, apiCalls: result.apiCalls, ms: Date.now() - started };
        logger.info(summary, req.dryRun ? 'check done (dry run: nothing saved or sent)' : 'check done');
        if (stop?.aborted) return { code: 1, summary, stopped: true };
        if (result.error) {
          if (result.error instanceof AuditError) throw result.error;
          throw new AuditError('E_SOURCE', `source failed: ${errorText(result.error)}`, { cause: result.error });
        }
        if (pending > 0) return { code: 1, summary };
        return { code: req.failOnMatch && result.alertCount > 0 ? 3 : 0, summary };
      } catch (err) {
        // Whatever failed, the next run reads the state from disk again.
        held.store = undefined;
        throw err;
      } finally {
        await closeNotifiers(notifiers);
        await source?.close?.().catch(() => undefined);
        await lock?.release();
      }
    },
  };
}

/**
 * Another run holds the lock: this one stands down (exit 0, the next run catches up), loudly,
 * since a run that never finishes silences alerting; past 10 minutes held, at error.
 */
async function standDown(dir: string, now: Date, logger: Logger): Promise<void> {
  const holder = await lockHolder(dir);
  const heldMs = holder ? now.getTime() - Date.parse(holder.since) : undefined;
  const long = heldMs !== undefined && heldMs > 10 * 60_000;
  const fields = { stateDir: dir, holderPid: holder?.pid, heldSince: holder?.since };
  const msg = 'another audit run holds the state lock; this run stands down';
  if (long) logger.error(fields, `${msg}; it has held it for ${Math.round(heldMs / 60_000)} minutes: check that process`);
  else logger.warn(fields, msg);
}

/** How long deliveries under way may take to finish after a stop request. */
export const STOP_GRACE_MS = 10_000;

/** Aborts `ms` after `signal` does: what notifiers get, so a stop lets deliveries under way finish. */
function afterGrace(signal: AbortSignal | undefined, ms: number): AbortSignal | undefined {
  if (!signal) return undefined;
  const late = new AbortController();
  const start = () => setTimeout(() => late.abort(signal.reason), ms).unref();
  if (signal.aborted) start();
  else signal.addEventListener('abort', start, { once: true });
  return late.signal;
}

/** One `audit check`. */
export async function runCheck(deps: CheckDeps, loaded: LoadedConfig, req: CheckRequest, signal?: AbortSignal) {
  // Everything that can be wrong with the config is found before any lock, file or API call.
  const prepared = await prepareRules(loaded);
  return checkSession(deps, loaded, prepared).run(req, signal);
}
