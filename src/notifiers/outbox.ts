import type { Alert } from '../rules/model.js';
import type { Outbox } from '../state/index.js';
import { deliver } from './deliver.js';
import type { Routes } from './route.js';
import type { Notifier } from './types.js';
import type { Logger } from '../util/logger.js';

export interface OutboxResult {
  delivered: number;
  /** Alerts with at least one notifier still pending. */
  pending: number;
}

/**
 * Delivers everything in the outbox (this run's alerts and any an earlier run could not
 * deliver) and records each outcome per notifier. An alert leaves the outbox only when every
 * notifier it was meant for has taken it.
 */
export async function deliverOutbox(outbox: Outbox, notifiers: readonly Notifier[], logger: Logger, signal?: AbortSignal): Promise<OutboxResult> {
  const byName = new Map(notifiers.map((n) => [n.name, n]));
  const pendingFor = new Map<string, string[]>();
  const alerts: Alert[] = [];
  for (const entry of outbox.list()) {
    const names = entry.pending.map((p) => p.notifier);
    for (const gone of names.filter((n) => !byName.has(n))) {
      logger.warn({ alert: entry.alert.id, notifier: gone }, 'notifier no longer configured; dropping its pending delivery');
      outbox.markDelivered(entry.alert.id, gone);
    }
    const live = names.filter((n) => byName.has(n));
    if (live.length) {
      pendingFor.set(entry.alert.id, live);
      alerts.push(entry.alert);
    }
  }
  if (alerts.length === 0) return { delivered: 0, pending: 0 };

  const report = await deliver(alerts, notifiers, { routes: (a) => pendingFor.get(a.id) ?? [], signal, logger });
  let delivered = 0;
  let pending = 0;
  for (const alert of alerts) {
    const results = report.get(alert.id) ?? new Map();
    for (const name of pendingFor.get(alert.id)!) {
      const r = results.get(name);
      if (r?.ok) outbox.markDelivered(alert.id, name);
      else outbox.markFailed(alert.id, name, r?.error ?? 'not attempted');
    }
    if ((pendingFor.get(alert.id) ?? []).every((n) => results.get(n)?.ok)) delivered++;
    else pending++;
  }
  return { delivered, pending };
}

/** `--no-state`: no outbox to keep failures in, so they only count as pending (exit 1). */
export async function deliverDirect(alerts: Alert[], notifiers: readonly Notifier[], routes: Routes, logger: Logger, signal?: AbortSignal): Promise<OutboxResult> {
  if (!alerts.length) return { delivered: 0, pending: 0 };
  const report = await deliver(alerts, notifiers, { routes, signal, logger });
  let delivered = 0;
  for (const alert of alerts) {
    const results = [...(report.get(alert.id)?.values() ?? [])];
    if (results.every((r) => r.ok)) delivered++;
  }
  return { delivered, pending: alerts.length - delivered };
}
