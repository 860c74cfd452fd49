import type { Alert } from '../rules/model.js';
import { routes, type Routes } from './route.js';
import type { Logger } from '../util/logger.js';
import { isDigest, planMessages } from './digest.js';
import { bundleByEvent } from './bundle.js';
import type { NotifierConfig } from './config.js';
import { notifierPlugins } from './registry.js';
import type { DeliveryResult, Notifier, NotifierContext, NotifierPlugin } from './types.js';
import { lazyPresentation } from '../util/locale.js';

/** Builds the configured notifiers, with their minSeverity and maxPerRun (the type's default when unset). */
export function createNotifiers(configs: readonly NotifierConfig[], ctx: NotifierContext): Notifier[] {
  return configs.map((config) => {
    const { name, type, minSeverity, maxPerRun, locale, timezone, ...options } = config;
    const plugin = notifierPlugins[type] as unknown as NotifierPlugin;
    // The zone stays unread until a message needs it (util/locale.ts).
    const shown = lazyPresentation(locale ?? ctx.shown.locale, () => timezone ?? ctx.shown.timeZone);
    const made = plugin.create(name, options, { ...ctx, shown });
    return {
      name: made.name,
      type: made.type,
      send: made.send.bind(made),
      close: made.close?.bind(made),
      minSeverity,
      maxPerRun: maxPerRun ?? plugin.defaultMaxPerRun?.(options),
      bundles: plugin.bundles?.(options) ?? false,
      shown,
    };
  });
}

export const DEFAULT_BUDGET_MS = 30_000;

/** alert id → notifier name → outcome. An alert no notifier took has an empty inner map. */
export type DeliveryReport = Map<string, Map<string, DeliveryResult>>;

export interface DeliverOptions {
  routes?: Routes;
  signal?: AbortSignal;
  logger?: Logger;
  /** How long the whole delivery phase may take (`delivery.budget`); what is left waits for the next run. */
  budgetMs?: number;
  /** Called the moment an alert has reached a notifier (also for each alert a digest covered). */
  onDelivered?: (alertId: string, notifier: string) => void;
}

/** Failed messages in a row after which a notifier is skipped for the rest of the run (its alerts stay in the outbox). */
export const BREAKER_FAILURES = 3;

/**
 * One message at a time, in order, until the budget runs out or the notifier has failed
 * BREAKER_FAILURES times in a row: a dead endpoint with a backlog costs a few attempts, not the
 * run, and never holds back the other notifiers, which run side by side.
 */
async function sendInTurn(notifier: Notifier, batch: Alert[], signal: AbortSignal, logger?: Logger, onOk?: (alert: Alert) => void): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];
  let failures = 0;
  for (const alert of batch) {
    if (signal.aborted || failures >= BREAKER_FAILURES) {
      const why = failures >= BREAKER_FAILURES ? `skipped: ${notifier.name} failed ${failures} times in a row this run` : 'not attempted: the delivery budget was used up';
      results.push({ alertId: alert.id, ok: false, error: why });
      continue;
    }
    let result: DeliveryResult | undefined;
    try {
      [result] = await notifier.send([alert], signal);
    } catch (err) {
      result = { alertId: alert.id, ok: false, error: `notifier failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    result ??= { alertId: alert.id, ok: false, error: 'no result from notifier' };
    results.push(result);
    if (result.ok) onOk?.(alert);
    failures = result.ok ? 0 : failures + 1;
    if (failures === BREAKER_FAILURES && results.length < batch.length) {
      logger?.warn({ notifier: notifier.name, left: batch.length - results.length }, `${notifier.name} failed ${failures} times in a row; skipped for the rest of this run, its alerts stay in the outbox`);
    }
  }
  return results;
}

/**
 * Sends each alert to the notifiers its rule routes it to. Notifiers run side by side and one
 * failing (or throwing) never stops another. Past a notifier's maxPerRun the remaining alerts
 * go into one digest; they count as delivered when the digest is.
 */
export async function deliver(alerts: readonly Alert[], notifiers: readonly Notifier[], options: DeliverOptions = {}): Promise<DeliveryReport> {
  const report: DeliveryReport = new Map(alerts.map((a) => [a.id, new Map()]));
  const known = new Set(notifiers.map((n) => n.name));
  const unknown = new Set(alerts.flatMap((a) => options.routes?.(a) ?? []).filter((n) => !known.has(n)));
  if (unknown.size) options.logger?.warn({ notifiers: [...unknown] }, 'alerts routed to notifiers that are not configured');

  const budget = AbortSignal.timeout(options.budgetMs ?? DEFAULT_BUDGET_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, budget]) : budget;
  await Promise.all(
    notifiers.map(async (notifier) => {
      const mine = alerts.filter((a) => routes(notifier, a, options.routes));
      if (mine.length === 0) return;
      const locale = notifier.shown?.locale ?? 'en';
      const messages = notifier.bundles ? bundleByEvent(mine, locale) : mine.map((a) => ({ message: a, covers: [a] }));
      const plan = planMessages(messages, notifier.maxPerRun, locale);
      const coversOf = new Map(plan.map((m) => [m.message, m.covers]));
      const onOk = options.onDelivered ? (sent: Alert) => coversOf.get(sent)!.forEach((a) => options.onDelivered!(a.id, notifier.name)) : undefined;
      const results = await sendInTurn(notifier, plan.map((m) => m.message), signal, options.logger, onOk);
      const byId = new Map(results.map((r) => [r.alertId, r]));
      for (const { message, covers } of plan) {
        const r = byId.get(message.id) ?? { alertId: message.id, ok: false, error: 'no result from notifier' };
        const viaDigest = isDigest(message) ? { viaDigest: true } : {};
        for (const a of covers) report.get(a.id)!.set(notifier.name, { alertId: a.id, ok: r.ok, ...(r.error !== undefined ? { error: r.error } : {}), ...viaDigest });
      }
      const single = plan.filter((m) => !isDigest(m.message)).flatMap((m) => m.covers);
      const covered = plan.filter((m) => isDigest(m.message)).flatMap((m) => m.covers);
      const failed = [...single, ...covered].filter((a) => !report.get(a.id)!.get(notifier.name)!.ok);
      const summary = { notifier: notifier.name, messages: plan.length, alerts: single.length, digested: covered.length, failed: failed.length };
      if (failed.length) {
        const errors = [...new Set(failed.map((a) => report.get(a.id)!.get(notifier.name)!.error))].slice(0, 3);
        options.logger?.warn({ ...summary, errors }, 'some alerts were not delivered');
      } else options.logger?.info(summary, 'alerts delivered');
    }),
  );
  return report;
}

/** Closes every notifier that holds resources; errors are ignored (the run is over anyway). */
export async function closeNotifiers(notifiers: readonly Notifier[]): Promise<void> {
  await Promise.all(notifiers.map((n) => n.close?.().catch(() => {})));
}
