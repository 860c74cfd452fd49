import type { Alert } from '../rules/model.js';
import { AuditError } from '../errors.js';
import { alertSchema, type PendingDelivery } from './schema.js';

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
