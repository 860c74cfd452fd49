import { AuditError } from '../errors.js';
import type { LoadedConfig } from '../config/index.js';
import { prepareRules } from '../config/validate.js';
import { closeNotifiers, createNotifiers, deliver, type Notifier } from '../notifiers/index.js';
import type { Alert } from '../rules/types.js';
import { acquireLock, openState, resolveStateDir, type StateLock, type StateStore } from '../state/index.js';
import type { Source } from '../sources/types.js';
import type { Logger } from '../util/logger.js';
import { checkRules } from './rules.js';
import { ephemeralState } from './state.js';
import { evaluate, errorText } from './run.js';
import { fileSource } from './file-source.js';
import { deliverOutbox, targetsFor } from './outbox.js';

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

export interface CheckEnv {
  loaded: LoadedConfig;
  logger: Logger;
  now: () => Date;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  cwd: string;
  /** Creates the API source; only called when no --input is given. */
  openSource(): Promise<Source>;
  signal?: AbortSignal;
}

export interface CheckSummary {
  events: number;
  new: number;
  alerts: number;
  delivered: number;
  pending: number;
  apiCalls: number;
  ms: number;
}

/** One `audit check`: lock, fetch, dedupe, evaluate, persist, deliver. Returns the exit code. */
export async function runCheck(env: CheckEnv, req: CheckRequest): Promise<{ code: number; summary?: CheckSummary }> {
  const started = Date.now();
  const { loaded, logger } = env;
  // Everything that can be wrong with the config is found before any lock, file or API call.
  const prepared = await prepareRules(loaded);
  const rules = checkRules(prepared.enabled, env.now);
  const ctx = { logger, env: env.env, now: env.now, stdout: env.stdout };
  const printer = req.output ?? (req.dryRun ? 'text' : undefined);
  const notifiers = createNotifiers(
    loaded.config.notifiers.filter((n) => !(printer && n.type === 'stdout')),
    ctx,
  );
  const [stdoutPrinter] = printer ? createNotifiers([{ name: 'output', type: 'stdout', format: printer } as never], ctx) : [];

  const persistent = !req.noState;
  let lock: StateLock | null = null;
  let store: StateStore | undefined;
  // `audit watch` runs many checks in one process: each one's source is closed when it ends.
  let apiSource: Source | undefined;
  try {
    if (persistent) {
      const dir = resolveStateDir({ configuredDir: loaded.config.state.dir, configPath: loaded.path, env: env.env, cwd: env.cwd });
      if (!req.dryRun) {
        lock = await acquireLock(dir, { timeoutMs: req.lockTimeoutMs, logger });
        if (!lock) {
          logger.info({ stateDir: dir }, 'another audit check is in progress on this state directory; skipping this run');
          return { code: 0 };
        }
      }
      store = await openState({ dir, logger, now: env.now, readOnly: req.dryRun, lock: lock ?? undefined });
    }
    const state = store ?? ephemeralState();
    const latenessMs = loaded.config.source.lateness;
    if (!req.input) apiSource = await env.openSource();
    const source = apiSource ?? fileSource(req.input!, { since: req.since, until: req.until }, { stdin: env.stdin, warn: (m) => logger.warn(m) });

    // With nothing to persist first and nothing but the printer to deliver to, alerts are printed
    // as they are raised: a replay of millions then holds none of them in memory.
    const streamed = stdoutPrinter !== undefined && !(store && !req.dryRun) && (req.dryRun || notifiers.length === 0);
    const result = await evaluate({ logger, now: env.now, rules, state, source }, {
      since: req.since,
      until: req.until,
      latenessMs,
      replay: Boolean(req.input),
      onAlerts: streamed ? async (batch) => void (await stdoutPrinter.send(batch)) : undefined,
    });
    const alerts = result.alerts;

    // Persist before delivering: a crash after this point re-sends (at least once), never re-raises.
    // The printer is output, not a delivery: as before, with no notifier every alert counts as delivered.
    let delivered = streamed && !req.dryRun ? result.alertCount : 0;
    let pending = 0;
    if (store && !req.dryRun) {
      for (const alert of alerts) store.outbox.add(alert, targetsFor(alert, notifiers, rules.routes));
      // Keep what a later run over the same range could fetch again: measured back from the end of
      // this run's range, not from now, so re-checking an old range (or a replay) stays deduplicated.
      const end = Math.min(env.now().getTime(), Number.isFinite(result.endMs) ? result.endMs : env.now().getTime());
      const margin = 60 * 60_000;
      // Nor anything inside the range this run fetched: running `--since 3h` twice raises nothing twice.
      const keepFrom = Math.min(end - latenessMs - rules.lookbackMs - margin, result.startMs);
      store.prune(new Date(keepFrom), new Date(end - maxSuppressMs(prepared.enabled) - margin));
      await store.save();
    }
    if (stdoutPrinter && !streamed && alerts.length) await stdoutPrinter.send(alerts);
    if (store && !req.dryRun) {
      ({ delivered, pending } = await deliverOutbox(store.outbox, notifiers, logger, env.signal));
      await store.save();
    } else if (!req.dryRun && !streamed) {
      ({ delivered, pending } = await deliverDirect(alerts, notifiers, rules.routes, logger, env.signal));
    }
    await closeNotifiers(notifiers);

    const summary: CheckSummary = {
      events: result.fetched,
      new: result.fresh,
      alerts: result.alertCount,
      delivered,
      pending,
      apiCalls: result.apiCalls,
      ms: Date.now() - started,
    };
    logger.info(summary, req.dryRun ? 'check done (dry run: nothing saved or sent)' : 'check done');
    if (result.error) {
      if (result.error instanceof AuditError) throw result.error;
      throw new AuditError('E_SOURCE', `source failed: ${errorText(result.error)}`, { cause: result.error });
    }
    if (pending > 0) return { code: 1, summary };
    return { code: req.failOnMatch && result.alertCount > 0 ? 3 : 0, summary };
  } finally {
    await apiSource?.close?.().catch(() => undefined);
    await lock?.release();
  }
}

function maxSuppressMs(rules: { suppress?: number; window?: number }[]): number {
  return rules.reduce((m, r) => Math.max(m, r.suppress ?? 0, r.window ?? 0), 0);
}

/** --no-state: no outbox to keep failures in, so they only count as pending (exit 1). */
async function deliverDirect(alerts: Alert[], notifiers: Notifier[], routes: (a: Alert) => readonly string[] | undefined, logger: Logger, signal?: AbortSignal) {
  if (!alerts.length) return { delivered: 0, pending: 0 };
  const report = await deliver(alerts, notifiers, { routes, signal, logger });
  let delivered = 0;
  for (const alert of alerts) {
    const results = [...(report.get(alert.id)?.values() ?? [])];
    if (results.every((r) => r.ok)) delivered++;
  }
  return { delivered, pending: alerts.length - delivered };
}
