import { alertText, type Alert } from '../../rules/model.js';
import type { AuditEvent } from '../../events/index.js';
import { localTime } from '../../util/local-time.js';
import type { Presentation } from '../../util/locale.js';
import { isDigest } from '../digest.js';
import { LABELS, type Labels } from './labels.js';
export { LABELS, type Labels } from './labels.js';
import { consoleLink } from './links.js';

/** What every chat format shows, in one place so the formats only differ in markup. */
export interface AlertView {
  /** `[HIGH] Resource deleted` / `【高危】资源被删除` (raw: for plain-text places). */
  title: string;
  /** The severity tag alone (`[HIGH] `, `【高危】`): formats that escape the title put it straight in front. */
  tag: string;
  /** The rule's title alone, in the reader's language. */
  ruleTitle: string;
  /** CRITICAL, HIGH, ...: for colours, never shown as is. */
  severity: string;
  summary: string;
  /** Label → value (raw, unescaped), the facts in reading order. Empty values are left out. */
  fields: [string, string][];
  /** The other rules one event matched (`[MEDIUM] Sensitive operation`), most severe first. */
  also: string[];
  /** A digest's most severe alerts by their own summaries, and its count per rule. */
  top: [string, string][];
  byRule: [string, number][];
  link?: { label: string; url: string };
  /** The words of the reader's language, for what the formats add (separators, headings). */
  labels: Labels;
}

function who(e: AuditEvent, l: Labels): string {
  const name = e.actor.name ?? e.actor.id ?? '';
  const extra = [e.actor.type, e.actor.name && e.actor.id && e.actor.id !== e.actor.name ? e.actor.id : null, e.account ? `${l.account} ${e.account}` : null];
  const detail = extra.filter(Boolean).join(', ');
  if (!name) return detail;
  return detail ? `${name} (${detail})` : name;
}

function resources(e: AuditEvent, l: Labels): string {
  const names = e.resources.map((r) => (r.type ? `${r.type}:${r.name}` : r.name));
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} ${l.more(names.length)}`;
}

function from(e: AuditEvent): string {
  if (!e.sourceIp) return '';
  // The provider's own label first (CloudAudit's 广东省深圳市); else where the geo database places it.
  const place = e.location || (e.geo ? [e.geo.city ?? e.geo.region, e.geo.country].filter(Boolean).join(', ') : '');
  return place ? `${e.sourceIp} (${place})` : e.sourceIp;
}

const tagOf = (l: Labels, severity: string) => l.tag(l.severity[severity] ?? severity);

export function alertView(alert: Alert, shown: Presentation): AlertView {
  const l = LABELS[shown.locale];
  const severity = alert.rule.severity.toUpperCase();
  const { title: ruleTitle, summary: full } = alertText(alert, shown.locale);
  // A default summary starts with the title, which the message already shows above it.
  const summary = [`${ruleTitle}: `, `${ruleTitle}：`].reduce((s, lead) => (s.startsWith(lead) && s.length > lead.length ? s.slice(lead.length) : s), full);
  const tag = tagOf(l, severity);
  const base = { labels: l, title: `${tag}${ruleTitle}`, tag, ruleTitle, severity, summary, also: [] as string[], top: [] as [string, string][], byRule: [] as [string, number][] };
  const at = (iso: string) => localTime(iso, shown.timeZone);
  if (isDigest(alert)) {
    const top = ((alert.group?.top ?? []) as [string, string][]).map(([sev, text]): [string, string] => [tagOf(l, sev.toUpperCase()), text]);
    const fields: [string, string][] = [
      [l.alerts, String(alert.count)],
      [l.window, alert.window ? `${at(alert.window.start)} – ${at(alert.window.end)}` : ''],
    ];
    const byRule = Object.entries((alert.group?.byRule ?? {}) as Record<string, number>);
    return { ...base, fields: fields.filter(([, v]) => v), top, byRule };
  }
  const e = alert.event;
  const fields: [string, string][] = [
    [l.who, who(e, l)],
    [l.action, [e.name, e.service, e.region].filter(Boolean).join(' · ')],
    [l.resources, resources(e, l)],
    [l.from, from(e)],
    [l.when, at(e.time)],
    [l.result, e.error ? l.failed(e.error.code, e.error.message) : l.ok],
    [l.accessKey, e.actor.accessKeyId ?? ''],
    [l.count, alert.count > 1 ? String(alert.count) : ''],
    [l.window, alert.window ? `${at(alert.window.start)} – ${at(alert.window.end)}` : ''],
    [l.rule, [alert.rule.id, ...(alert.bundle ?? []).map((b) => b.rule.id)].join(', ')],
    [l.eventId, e.id],
  ];
  const also = (alert.bundle ?? []).map((b) => `${tagOf(l, b.rule.severity.toUpperCase())}${b.rule.title}`);
  const link = consoleLink(e, shown.locale);
  return { ...base, fields: fields.filter(([, v]) => v !== ''), also, link: link ? { label: l.console(link.service), url: link.url } : undefined };
}
