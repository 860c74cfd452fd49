import type { AuditEvent } from '../events/index.js';
import type { Locale } from '../util/locale.js';

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
  /**
   * Title and summary in the languages of notifiers whose locale differs from the run's.
   * Internal: the outbox keeps it; JSON output and the json webhook leave it out.
   */
  l10n?: Partial<Record<Locale, { title: string; summary: string }>>;
  /** The other per-event rules this message stands for (set on one-message-per-event bundles). */
  bundle?: { id: string; rule: { id: string; title: string; severity: Severity }; summary: string }[];
}

/** Event JSON by event: several rules alerting on one event (a deletion, a new address) write it once. */
const eventTexts = new WeakMap<object, string>();

/**
 * The alert as programs read it (`--output json`, the json webhook, exec's stdin): its JSON without
 * l10n. Exactly what stringify gives, with the event's text made once per event: alerts are plain
 * objects of JSON values, so writing their keys in order is all stringify would do.
 */
export function alertJson(alert: Alert): string {
  let out = '';
  for (const key of Object.keys(alert)) {
    if (key === 'l10n') continue;
    const value = (alert as unknown as Record<string, unknown>)[key];
    let text: string | undefined;
    if (key === 'event' && value !== null && typeof value === 'object') {
      text = eventTexts.get(value);
      if (text === undefined) eventTexts.set(value, (text = JSON.stringify(value)));
    } else text = JSON.stringify(value);
    // stringify leaves out what has no JSON (undefined, functions), as it would inside the object.
    if (text === undefined) continue;
    out += `${out ? ',' : '{'}${JSON.stringify(key)}:${text}`;
  }
  return out ? `${out}}` : '{}';
}

/** Title and summary in a reader's language, falling back to the run's. */
export function alertText(alert: Alert, locale: Locale): { title: string; summary: string } {
  return alert.l10n?.[locale] ?? { title: alert.rule.title, summary: alert.summary };
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
