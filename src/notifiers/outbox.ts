import { AuditError } from '../errors.js';
import type { Alert } from '../rules/model.js';
import { alertSchema, type PendingDelivery } from '../state/schema.js';
import { deliver } from './deliver.js';
import type { Routes } from './route.js';
import type { Notifier } from './types.js';
import type { Logger } from '../util/logger.js';

/**
 * The outbox: every alert raised and not yet taken by each notifier it is meant for. The state
 * store persists it (in the same atomic save as the checkpoint); this module keeps and drains it.
 */
export type { PendingDelivery };

/** An alert raised but not yet delivered to every notifier it is meant for. */
export interface OutboxEntry {
  alert: Alert;
  /** ISO time the alert entered the outbox. */
  addedAt: string;
  /** One per notifier still to deliver to; the entry leaves the outbox when this empties. */
  pending: PendingDelivery[];
}

export interface Outbox {
  /** Queues `alert` for each notifier; adding an id already queued only adds missing notifiers. */
  add(alert: Alert, notifiers: readonly string[]): void;
  /** Oldest first. Copies: changing them does not change the outbox. */
  list(): OutboxEntry[];
  markDelivered(alertId: string, notifier: string): void;
  /**
   * Records a failed attempt. The message is stored in the state file as given, so notifiers
   * must hand over errors that carry no secrets (no signed URLs, no tokens).
   */
  markFailed(alertId: string, notifier: string, error: unknown): void;
  /** Drops an entry whatever is pending, for a caller that gives up after too many attempts. */
  remove(alertId: string): boolean;
  readonly size: number;
}

const MAX_ERROR_LENGTH = 500;

/** `entries` is owned by the store; `changed` marks it dirty so an untouched state is not rewritten. */
export function createOutbox(entries: Map<string, OutboxEntry>, now: () => Date, changed: () => void): Outbox {
  const pendingOf = (alertId: string, notifier: string) =>
    entries.get(alertId)?.pending.find((p) => p.notifier === notifier);

  return {
    add(alert, notifiers) {
      const names = [...new Set(notifiers)];
      if (names.length === 0) return;
      // An alert the schema rejects would get the whole state file moved aside on the next run.
      const check = alertSchema.safeParse(alert);
      if (!check.success) {
        const issues = check.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
        throw new AuditError('E_STATE', `outbox: alert ${alert.id} does not match the Alert schema`, { issues });
      }
      const entry = entries.get(alert.id) ?? { alert, addedAt: now().toISOString(), pending: [] };
      for (const notifier of names) {
        if (entry.pending.some((p) => p.notifier === notifier)) continue;
        entry.pending.push({ notifier, attempts: 0, lastError: null, lastAttemptAt: null });
      }
      entries.set(alert.id, entry);
      changed();
    },
    list() {
      return [...entries.values()].map((e) => ({ ...e, pending: e.pending.map((p) => ({ ...p })) }));
    },
    markDelivered(alertId, notifier) {
      const entry = entries.get(alertId);
      if (!entry || !pendingOf(alertId, notifier)) return;
      entry.pending = entry.pending.filter((p) => p.notifier !== notifier);
      if (entry.pending.length === 0) entries.delete(alertId);
      changed();
    },
    markFailed(alertId, notifier, error) {
      const pending = pendingOf(alertId, notifier);
      if (!pending) return;
      const message = error instanceof Error ? error.message : String(error);
      pending.attempts += 1;
      pending.lastError = message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message;
      pending.lastAttemptAt = now().toISOString();
      changed();
    },
    remove(alertId) {
      const had = entries.delete(alertId);
      if (had) changed();
      return had;
    },
    get size() {
      return entries.size;
    },
  };
}

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
export async function deliverOutbox(
  outbox: Outbox,
  notifiers: readonly Notifier[],
  logger: Logger,
  options: { signal?: AbortSignal; budgetMs?: number; only?: ReadonlySet<string>; onDelivered?: (alertId: string, notifier: string) => void } = {},
): Promise<OutboxResult> {
  const { only } = options;
  const byName = new Map(notifiers.map((n) => [n.name, n]));
  const pendingFor = new Map<string, string[]>();
  const alerts: Alert[] = [];
  // A renamed or removed notifier's deliveries stay until an operator retries or drops them (`audit outbox`).
  const orphaned = new Map<string, number>();
  for (const entry of outbox.list()) {
    if (only && !only.has(entry.alert.id)) continue;
    const names = entry.pending.map((p) => p.notifier);
    for (const gone of names.filter((n) => !byName.has(n))) orphaned.set(gone, (orphaned.get(gone) ?? 0) + 1);
    const live = names.filter((n) => byName.has(n));
    if (live.length) {
      pendingFor.set(entry.alert.id, live);
      alerts.push(entry.alert);
    }
  }
  for (const [notifier, count] of orphaned) {
    logger.warn({ notifier, alerts: count }, `${count} undelivered alert(s) wait for notifier "${notifier}", which is no longer configured; kept in the outbox (see audit outbox list / drop)`);
  }
  if (alerts.length === 0) return { delivered: 0, pending: 0 };

  const report = await deliver(alerts, notifiers, {
    routes: (a) => pendingFor.get(a.id) ?? [],
    signal: options.signal,
    budgetMs: options.budgetMs,
    onDelivered: options.onDelivered,
    logger,
  });
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
export async function deliverDirect(alerts: Alert[], notifiers: readonly Notifier[], routes: Routes, logger: Logger, options: { signal?: AbortSignal; budgetMs?: number } = {}): Promise<OutboxResult> {
  if (!alerts.length) return { delivered: 0, pending: 0 };
  const report = await deliver(alerts, notifiers, { routes, logger, ...options });
  let delivered = 0;
  for (const alert of alerts) {
    const results = [...(report.get(alert.id)?.values() ?? [])];
    if (results.every((r) => r.ok)) delivered++;
  }
  return { delivered, pending: alerts.length - delivered };
}
