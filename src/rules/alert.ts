import { createHash } from 'node:crypto';
import type { AuditEvent } from '../events/index.js';
import { formatDuration } from '../util/duration.js';
import { renderTemplate } from '../util/template.js';
import { safeLine } from '../events/text-width.js';
import type { Alert } from './model.js';

/** Stable alert id: the same rule, group and event (or window) always hash the same. */
export function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** Event text is attacker-controlled: one line, unsafe characters escaped, bounded length. */
export function clean(text: string, max = 120): string {
  const flat = safeLine(text);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `alice called DeleteBucket (cos, ap-guangzhou) on logs-bucket from 1.2.3.4, failed: AuthFailure` */
export function describeEvent(e: AuditEvent): string {
  const who = clean(e.actor.name ?? e.actor.id ?? e.actor.accessKeyId ?? 'someone', 60);
  const where = [e.service, e.region].filter(Boolean).map((t) => clean(t!, 40)).join(', ');
  const names = e.resources.map((r) => clean(r.name, 60)).filter(Boolean);
  const on = names.length === 0 ? '' : ` on ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`;
  const from = e.sourceIp ? ` from ${clean(e.sourceIp, 60)}` : '';
  const failed = e.error ? `, failed: ${clean(e.error.code, 80)}` : '';
  return `${who} called ${clean(e.name, 80)}${where ? ` (${where})` : ''}${on}${from}${failed}`;
}

function describeGroup(group: Record<string, unknown> | null): string {
  if (!group) return '';
  const parts = Object.entries(group).map(([k, v]) => `${k}=${v === null ? '-' : clean(String(v), 60)}`);
  return ` for ${parts.join(', ')}`;
}

export interface SummaryRule {
  title: string;
  summary?: string;
  summarize?: (alert: Alert) => string;
  window?: number;
  spike?: { increase?: number; decrease?: number };
  distinct?: { field: string };
}

/**
 * A template wins, then a built-in's code, then title plus a short description. Always one
 * line: rendered values come from the event and may carry newlines or control characters.
 */
export function summarize(rule: SummaryRule, alert: Alert, previous?: number): string {
  return clean(rawSummary(rule, alert, previous), 1000);
}

function rawSummary(rule: SummaryRule, alert: Alert, previous?: number): string {
  if (rule.summary) return renderTemplate(rule.summary, [alert, alert.event]);
  if (rule.summarize) return rule.summarize(alert);
  if (!alert.window) return `${rule.title}: ${describeEvent(alert.event)}`;
  const span = formatDuration(rule.window ?? 0);
  const group = describeGroup(alert.group);
  let what: string;
  if (rule.spike && previous !== undefined) {
    const dir = rule.spike.increase !== undefined ? 'rose' : 'fell';
    const pct = previous > 0 ? ` ${Math.round((Math.abs(alert.count - previous) / previous) * 100)}%` : '';
    what = `matching events ${dir}${pct} (${previous} → ${alert.count}) over ${span}`;
  } else if (rule.distinct) {
    what = `${alert.count} distinct ${rule.distinct.field} values in ${span}`;
  } else {
    what = `${alert.count} matching events in ${span}`;
  }
  return `${rule.title}: ${what}${group}; last: ${describeEvent(alert.event)}`;
}
