import type { AuditEvent } from '../events/index.js';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** What `audit check --output json` prints, one per line, and what notifiers receive. */
export interface Alert {
  /** Stable fingerprint: the same rule, group and event (or window) always give the same id. */
  id: string;
  /** ISO-8601 UTC: the event's time, or the window's end for aggregate rules. */
  time: string;
  rule: { id: string; title: string; severity: Severity };
  summary: string;
  /** The matching event, or the last one of the group. */
  event: AuditEvent;
  count: number;
  group: Record<string, unknown> | null;
  window: { start: string; end: string } | null;
}

/**
 * Last alert time per suppression key (rule id + group). In-memory for one-off runs and
 * tests; `audit check` passes one backed by the state directory.
 */
export interface SuppressionStore {
  get(key: string): number | undefined;
  set(key: string, atMs: number): void;
}

export function memorySuppression(): SuppressionStore {
  const map = new Map<string, number>();
  return { get: (k) => map.get(k), set: (k, v) => void map.set(k, v) };
}
