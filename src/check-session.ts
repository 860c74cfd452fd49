import type { LoadedConfig } from './config/load.js';
import { prepareRules, type PreparedRules } from './config/validate.js';
import { AuditError } from './errors.js';
import { closeNotifiers, createNotifiers, deliverDirect, deliverOutbox, targetsFor } from './notifiers/index.js';
import { createSource, errorText, evaluate, type PipelineDeps } from './pipeline.js';
import type { Alert } from './rules/index.js';
import type { Source } from './sources/types.js';
import { stateBackend, type StateBackend } from './state/backend.js';
import { standDown, waitAsStandby } from './state/standby.js';
import { ephemeralState, resolveStateDir, type StateLock, type StateStore } from './state/index.js';
import { appendQuarantine, quarantineEntry, unreadableEntry, type QuarantineEntry } from './state/quarantine.js';
import { pruneAfterRun } from './state/retention.js';
import { unreachableSource, watchRun } from './state/health.js';
import { afterGrace } from './util/abort.js';
import { presentationFrom } from './util/locale.js';

/**
 * `audit check`, and each tick of `audit watch`: lock → evaluate (pipeline.ts: source → dedupe →
 * rules) → persist (the outbox with the checkpoint, in one save) → deliver (notifiers/outbox.ts).
 */
export interface CheckRequest {
  since?: Date;
  until?: Date;
  input?: string;
  /** Set: print this run's alerts in that format, in place of the stdout notifiers. */
  output?: 'text' | 'json';
  dryRun: boolean;
  noState: boolean;
  /** With noState: deliver to the notifiers too (an ad-hoc run otherwise only prints). */
  notify?: boolean;
  failOnMatch: boolean;
  lockTimeoutMs: number;
  /** `--learn-only`: record baselines and history in the state; raise and send nothing. */
  learnOnly?: boolean;
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
  /** A polled source: the most lateness its events showed (24 h), and how far behind its checkpoint this run re-read. */
  lateMs?: number; refetchMs?: number;
  ms: number;
}

export interface CheckSession {
  /**
   * One check; resolves to its exit code. `stop` (SIGTERM, SIGINT, a watcher shutting down) ends
   * fetching at once; deliveries already under way get STOP_GRACE_MS to finish, none start after
   * a stop during the fetch, and the state is saved either way.
   */
  run(req: CheckRequest, stop?: AbortSignal): Promise<{ code: number; summary?: CheckSummary; stopped?: boolean }>;
  /** True while a run waits as a standby for the lease another watcher holds. */
  standingBy(): boolean;
  /** Ends what the session keeps between runs (a watcher's lease and its connection). */
  close(): Promise<void>;
}

export interface SessionOptions {
  /**
   * `audit watch`: with a backend whose lock renews itself (Redis), keep it between runs, and
   * without it wait as a standby until the holder lets it lapse. A stream source (Kafka) is
   * shared by its group's workers instead, so they take turns.
   */
  watch?: boolean;
}

/**
 * Checks against one config. The state stays in memory between runs (`audit watch`), and is read
 * again only when another process saved it in between; each run still takes the lock.
 */
export function checkSession(deps: CheckDeps, loaded: LoadedConfig, prepared: PreparedRules, options: SessionOptions = {}): CheckSession {
  const { logger } = deps;
  const kept: { backend?: StateBackend; lock?: StateLock; source?: Source } = {};
  let standby = false;
  // Where a kept source's unreadable records go: the run under way's quarantine.
  let onSkipped: (reason: string) => void = () => undefined;
  const ruleSet = prepared.ruleSet;
  const notify = new Map(prepared.enabled.map((r) => [r.id, r.notify]));
  const routes = (alert: Alert) => notify.get(alert.rule.id);
  const held: { store?: StateStore; stamp?: string } = {};
  const shown = presentationFrom(deps.env, loaded.config);
  // Alerts are described in the run's language and in each other one a notifier reads.
  const locales = [...new Set([shown.locale, ...loaded.config.notifiers.map((n) => n.locale ?? shown.locale)])];

  return {
    async run(req, stop) {
      // The plugin list is loaded by every run that reads events anyway (createSource).
      const stream = !req.input && (await import('./sources/index.js')).isStreamConfig(loaded.config.sources);
      const started = Date.now();
      const signal = afterGrace(stop, STOP_GRACE_MS);
      const ctx = { logger, env: deps.env, now: deps.now, stdout: deps.stdout, shown };
      // An ad-hoc run (--no-state) pages nobody unless asked: it prints, like a dry run.
      const adHoc = req.noState && !req.notify;
      const printer = req.output ?? (req.dryRun || adHoc ? 'text' : undefined);
      const configured = adHoc ? [] : loaded.config.notifiers.filter((n) => !(printer && n.type === 'stdout'));
      const notifiers = createNotifiers(configured, ctx);
      const [stdoutPrinter] = printer ? createNotifiers([{ name: 'output', type: 'stdout', format: printer } as never], ctx) : [];
      let lock: StateLock | null = null;
      let backend: StateBackend | undefined;
      let store: StateStore | undefined;
      let source: Source | undefined;
      try {
        if (!req.noState) {
          const dir = resolveStateDir({ configuredDir: loaded.config.state.dir, configPath: loaded.path, env: deps.env, cwd: deps.cwd });
          // A lock directory beside state.json, or a fenced lease in Redis (state.backend).
          backend = kept.backend ?? (await stateBackend(loaded.config.state, { dir, logger, now: deps.now }));
          const sticky = options.watch === true && backend.keepsLock && !stream && !req.dryRun;
          if (kept.lock?.compromised) {
            logger.warn('this watcher lost the state lease (paused or cut off past it); it waits as a standby');
            await kept.lock.release();
            kept.lock = undefined;
          }
          if (!req.dryRun) {
            lock = kept.lock ?? (sticky ? await waitAsStandby(backend, logger, (waiting) => (standby = waiting), stop) : await backend.acquire(req.lockTimeoutMs));
            if (!lock) {
              if (!sticky) await standDown(backend.where, deps.now(), logger, await backend.holder());
              return { code: 0 };
            }
          }
          if (sticky) Object.assign(kept, { backend, lock });
          const reuse = !req.dryRun && held.store !== undefined && held.stamp === (await backend.stamp(held.store));
          store = reuse ? held.store! : await backend.open({ readOnly: req.dryRun, lock: lock ?? undefined });
          store.useLock(lock ?? undefined);
        }
        // Window history must cover the latest any source's events may come.
        const latenessMs = Math.max(...loaded.config.sources.map((s) => s.lateness));
        const sourceConfig = req.input ? ({ provider: 'file', path: req.input, lateness: latenessMs } as const) : loaded.config.sources;
        // Records the source could not even read are set aside with the quarantined events.
        const quarantined: QuarantineEntry[] = [];
        let unreadable = 0;
        const skipped = (reason: string) => {
          unreadable++;
          quarantined.push(unreadableEntry(reason, req.input ? 'file' : loaded.config.sources.map((s) => s.provider).join(','), deps.now()));
        };
        // A watcher stays in its Kafka group between runs: the group's partitions stay shared, not rebalanced each tick.
        const keepSource = options.watch === true && stream && !req.dryRun;
        onSkipped = skipped;
        source = (keepSource ? kept.source : undefined) ?? await createSource(sourceConfig, { ...deps, skipped: (reason) => onSkipped(reason) }).catch((err) => {
          // A source that cannot even open (STS refusing expired keys) is a failed run of each partition: audit-lagging must hear of it.
          const standIn = store && !req.dryRun && !req.input ? unreachableSource(err, store) : undefined;
          if (!standIn) throw err;
          return standIn;
        });
        if (keepSource && source.stream) kept.source = source;
        // With nothing to persist first and nothing but the printer to deliver to, alerts are printed
        // as they are raised: a replay of millions then holds none of them in memory.
        const streamed = stdoutPrinter !== undefined && !(store && !req.dryRun) && (req.dryRun || notifiers.length === 0);
        const result = await evaluate(deps, {
          source,
          ruleSet,
          enrich: prepared.enrich,
          state: store ?? ephemeralState(),
          since: req.since,
          until: req.until,
          latenessMs,
          locales,
          signal: stop,
          learnOnly: req.learnOnly,
          onQuarantine: (event, reason) => void quarantined.push(quarantineEntry(event, reason, deps.now())),
          onAlerts: streamed ? async (batch) => void (await stdoutPrinter.send(batch)) : undefined,
        });
        // Health is judged before the save, so a spell's alert is persisted with everything else.
        const lagging = store && !req.dryRun && !source.replay && !stop?.aborted
          ? watchRun(store, { source, failed: result.partitionErrors, now: deps.now(), maxLagMs: loaded.config.health.maxLag, raise: !req.learnOnly, locales })
          : [];
        result.alertCount += lagging.length;
        const alerts = lagging.length ? [...result.alerts, ...lagging] : result.alerts;

        // Persist before delivering: a crash after this point re-sends (at least once), never re-raises.
        // The printer is output, not a delivery: with no notifier every alert counts as delivered.
        let delivered = streamed && !req.dryRun ? result.alertCount : 0;
        let pending = 0;
        if (store && !req.dryRun) {
          for (const alert of alerts) store.outbox.add(alert, targetsFor(alert, notifiers, routes));
          pruneAfterRun(store, result, latenessMs, prepared.enabled, deps.now());
          await store.save();
          // Only now may a stream forget what it handed over: a crash before the save re-reads it.
          await source.commit?.();
        }
        if (stdoutPrinter && !streamed && alerts.length) await stdoutPrinter.send(alerts);
        const stoppedEarly = stop?.aborted === true;
        if (stoppedEarly) logger.warn({ pending: store?.outbox.size }, 'stopped before delivering; the alerts wait in the outbox for the next run');
        else if (store && !req.dryRun) {
          const journal = store;
          ({ delivered, pending } = await deliverOutbox(store.outbox, notifiers, logger, {
            signal: lock?.lost ? (signal ? AbortSignal.any([signal, lock.lost]) : lock.lost) : signal,
            budgetMs: loaded.config.delivery.budget,
            onDelivered: (id, notifier) => journal.journalDelivered(id, notifier),
          }));
          await store.save();
          held.store = store;
          held.stamp = await backend!.stamp(store);
        } else if (!req.dryRun && !streamed) {
          ({ delivered, pending } = await deliverDirect(alerts, notifiers, routes, logger, { signal, budgetMs: loaded.config.delivery.budget }));
        }
        if (stoppedEarly && store && !req.dryRun) await store.save();

        if (store && !req.dryRun) await appendQuarantine(store.dir, quarantined);
        const summary: CheckSummary = { events: result.fetched, new: result.fresh, quarantined: result.quarantined + unreadable, alerts: result.alertCount, delivered, pending, apiCalls: result.apiCalls, ...(result.lateness && { lateMs: result.lateness.observedMs, refetchMs: result.lateness.refetchMs }), ms: Date.now() - started };
        logger.info(summary, req.dryRun ? 'check done (dry run: nothing saved or sent)' : 'check done');
        if (stop?.aborted) return { code: 1, summary, stopped: true };
        if (result.error) {
          if (result.error instanceof AuditError) throw result.error;
          throw new AuditError('E_SOURCE', `source failed: ${errorText(result.error)}`, { cause: result.error });
        }
        if (pending > 0) return { code: 1, summary };
        return { code: req.failOnMatch && result.alertCount > 0 ? 3 : 0, summary };
      } catch (err) {
        // Whatever failed, the next run reads the state again, under a lock taken afresh.
        held.store = undefined;
        await dropKept();
        throw err;
      } finally {
        await closeNotifiers(notifiers);
        if (source !== kept.source) await source?.close?.().catch(() => undefined);
        if (lock !== kept.lock) await lock?.release();
        if (backend !== kept.backend) await backend?.close();
      }
    },
    standingBy: () => standby,
    close: dropKept,
  };

  async function dropKept(): Promise<void> {
    const { backend, lock, source } = kept;
    kept.backend = kept.lock = kept.source = undefined;
    await source?.close?.().catch(() => undefined);
    await lock?.release();
    await backend?.close();
  }
}

/** How long deliveries under way may take to finish after a stop request. */
export const STOP_GRACE_MS = 10_000;

/** One `audit check`. */
export async function runCheck(deps: CheckDeps, loaded: LoadedConfig, req: CheckRequest, signal?: AbortSignal) {
  // Everything that can be wrong with the config is found before any lock, file or API call.
  const prepared = await prepareRules(loaded);
  return checkSession(deps, loaded, prepared).run(req, signal);
}
