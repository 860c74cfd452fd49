import { createHash } from 'node:crypto';
import { renderTemplate } from '../util/template.js';
import type { Locale } from '../util/locale.js';
import { firstValueReader } from './fields.js';
import type { Alert } from './model.js';
import { clean, PHRASES } from './phrases.js';

export { clean } from './phrases.js';

/** Stable alert id: the same rule, group and event (or window) always hash the same. */
export function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

const readers = new Map<string, (event: unknown) => unknown>();
/** Field paths come from rules, so this stays as small as the rule set. */
function readerOf(field: string): (event: unknown) => unknown {
  let read = readers.get(field);
  if (!read) readers.set(field, (read = firstValueReader(field)));
  return read;
}

export interface SummaryRule {
  title: string;
  /** Built-ins' titles in other languages; a title the user set has none, so theirs is used everywhere. */
  titles?: Partial<Record<Locale, string>>;
  summary?: string;
  summarize?: (alert: Alert, locale: Locale) => string;
  window?: number;
  spike?: { increase?: number; decrease?: number };
  distinct?: { field: string };
  firstSeen?: { field: string };
  flatline?: { lt: number };
}

export function titleIn(rule: SummaryRule, locale: Locale): string {
  return rule.titles?.[locale] ?? rule.title;
}

/**
 * A template wins, then a built-in's code, then title plus a short description. Always one
 * line: rendered values come from the event and may carry newlines or control characters.
 */
export function summarize(rule: SummaryRule, alert: Alert, previous?: number, locale: Locale = 'en'): string {
  return clean(rawSummary(rule, alert, previous, locale), 1000);
}

function rawSummary(rule: SummaryRule, alert: Alert, previous: number | undefined, locale: Locale): string {
  if (rule.summary) return renderTemplate(rule.summary, [alert, alert.event]);
  if (rule.summarize) return rule.summarize(alert, locale);
  const say = PHRASES[locale];
  const title = titleIn(rule, locale);
  const parts = alert.group ? Object.entries(alert.group).map(([k, v]) => `${k}=${v === null ? '-' : clean(String(v), 60)}`) : [];
  if (rule.firstSeen && !alert.window) {
    const value = readerOf(rule.firstSeen.field)(alert.event);
    const text = clean(typeof value === 'string' ? value : JSON.stringify(value), 80);
    return say.titled(title, say.firstSeen(rule.firstSeen.field, text, parts, say.event(alert.event)));
  }
  if (!alert.window) return say.titled(title, say.event(alert.event));
  const span = say.duration(rule.window ?? 0);
  const group = alert.group ? say.group(parts) : '';
  let what: string;
  if (rule.spike && previous !== undefined) {
    const pct = previous > 0 ? `${Math.round((Math.abs(alert.count - previous) / previous) * 100)}%` : '';
    what = say.spike(rule.spike.increase !== undefined, pct, previous, alert.count, span);
  } else if (rule.distinct) {
    what = say.distinct(alert.count, rule.distinct.field, span);
  } else if (rule.flatline) {
    what = say.flatline(alert.count, rule.flatline.lt, span);
  } else {
    what = say.count(alert.count, span);
  }
  return say.titled(title, say.last(`${what}${group}`, say.event(alert.event)));
}

/**
 * Fills the alert's title and summary in the run's language, and in each other language a
 * notifier is configured for (`l10n`), so every message can be written in its reader's language
 * even when it is delivered by a later run from the outbox.
 */
export function describeAlert(rule: SummaryRule, alert: Alert, locales: readonly Locale[], previous?: number): void {
  const [primary, ...others] = locales.length ? locales : (['en'] as const);
  alert.rule.title = titleIn(rule, primary);
  alert.summary = summarize(rule, alert, previous, primary);
  if (others.length === 0) return;
  alert.l10n = {};
  for (const locale of others) alert.l10n[locale] = { title: titleIn(rule, locale), summary: summarize(rule, alert, previous, locale) };
}
