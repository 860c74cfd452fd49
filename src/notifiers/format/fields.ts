import type { Alert } from '../../rules/model.js';
import { isDigest } from '../digest.js';

/** What every chat format shows, in one place so the formats only differ in markup. */
export interface AlertView {
  /** `[HIGH] Resource deleted` (raw: for plain-text places). */
  title: string;
  /** The rule's title alone, for formats that escape it and add the severity tag themselves. */
  ruleTitle: string;
  severity: string;
  summary: string;
  /** Label → value (raw, unescaped), the compact table of key fields. Empty values are left out. */
  fields: [string, string][];
  /** For a digest: rule id → count. */
  byRule?: [string, number][];
}

function actorText(alert: Alert): string {
  const { actor } = alert.event;
  const who = actor.name ?? actor.id ?? '';
  const extra = [actor.type, actor.name && actor.id && actor.id !== actor.name ? actor.id : null].filter(Boolean);
  return who ? `${who}${extra.length ? ` (${extra.join(', ')})` : ''}` : '';
}

function resourcesText(alert: Alert): string {
  const names = alert.event.resources.map((r) => (r.type ? `${r.type}:${r.name}` : r.name));
  if (names.length <= 3) return names.join(', ');
  return `${names.slice(0, 3).join(', ')} (+${names.length - 3} more)`;
}

export function alertView(alert: Alert): AlertView {
  const severity = alert.rule.severity.toUpperCase();
  const title = `[${severity}] ${alert.rule.title}`;
  if (isDigest(alert)) {
    const byRule = Object.entries((alert.group?.byRule ?? {}) as Record<string, number>);
    const top = ((alert.group?.top ?? []) as [string, string][]).map(([sev, summary]): [string, string] => [sev.toUpperCase(), summary]);
    const fields: [string, string][] = [
      ['Alerts', String(alert.count)],
      ['Window', alert.window ? `${alert.window.start} .. ${alert.window.end}` : ''],
      ...top,
    ];
    return { title, ruleTitle: alert.rule.title, severity, summary: alert.summary, fields: fields.filter(([, v]) => v), byRule };
  }
  const e = alert.event;
  const fields: [string, string][] = [
    ['Rule', alert.rule.id],
    ['Actor', actorText(alert)],
    ['Source IP', e.sourceIp ?? ''],
    ['Event', [e.name, e.service, e.region].filter(Boolean).join(' · ')],
    ['Event time', e.time],
    ['Event ID', e.id],
    ['Account', e.account ?? ''],
    ['Resources', resourcesText(alert)],
    ['Error', e.error ? `${e.error.code}: ${e.error.message}` : ''],
    ['Count', alert.count > 1 ? `${alert.count}${alert.window ? ` (${alert.window.start} .. ${alert.window.end})` : ''}` : ''],
  ];
  return { title, ruleTitle: alert.rule.title, severity, summary: alert.summary, fields: fields.filter(([, v]) => v !== '') };
}
