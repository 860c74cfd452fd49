import type { AuditEvent } from '../events/index.js';
import { safeLine } from '../events/text-width.js';
import { formatDuration } from '../util/duration.js';
import type { Locale } from '../util/locale.js';

/** Event text is attacker-controlled: one line, unsafe characters escaped, bounded length. */
export function clean(text: string, max = 120): string {
  const flat = safeLine(text);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The sentences a summary is made of, one set per language. */
export interface Phrases {
  /** `alice called DeleteBucket (cos, ap-guangzhou) on logs-bucket from 1.2.3.4, failed: AuthFailure` */
  event(e: AuditEvent): string;
  duration(ms: number): string;
  count(n: number, span: string): string;
  spike(rose: boolean, pct: string, previous: number, n: number, span: string): string;
  distinct(n: number, field: string, span: string): string;
  /** `new sourceIp 203.0.113.9 (first seen; account=1000); <event>` */
  firstSeen(field: string, value: string, group: string[], event: string): string;
  /** Fewer than `lt` matching events in the window (n may be 0). */
  flatline(n: number, lt: number, span: string): string;
  /** `9185 km from Guangzhou, CN (14.215.177.38, 2026-03-01 10:00 UTC) to Frankfurt am Main, DE (3.120.0.1, 2026-03-01 10:20 UTC) in 20m: 27555 km/h, over 900 km/h (actor.id=alice); <event>` */
  travel(trip: Trip, group: string[], event: string): string;
  group(parts: string[]): string;
  /** `title: what` */
  titled(title: string, what: string): string;
  last(what: string, event: string): string;
}

/** Two located events of one group, earlier first, and what lies between them. */
export interface Trip {
  from: TripStop;
  to: TripStop;
  km: number;
  /** Infinity when both happened at the same moment. */
  kmh: number;
  limitKmh: number;
}

export interface TripStop {
  /** `Guangzhou, CN` */
  place: string;
  ip: string;
  ms: number;
}

/** `2026-03-01 10:20 UTC`: summaries are written once for every reader, so in UTC. */
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/** `1h 5m`, `20m`, `45s`: the time between two events, rounded to what a reader cares about. */
function elapsed(ms: number, units: { h: string; m: string; s: string }): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)}${units.s}`;
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  return h === 0 ? `${minutes}${units.m}` : `${h}${units.h}${minutes % 60 ? ` ${minutes % 60}${units.m}` : ''}`;
}

const stop = (s: TripStop, sep: string, open: string, close: string) => `${clean(s.place, 80)}${open}${clean(s.ip, 60)}${sep}${utc(s.ms)}${close}`;

function facts(e: AuditEvent) {
  const names = e.resources.map((r) => clean(r.name, 60)).filter(Boolean);
  return {
    who: clean(e.actor.name ?? e.actor.id ?? e.actor.accessKeyId ?? '', 60),
    where: [e.service, e.region].filter(Boolean).map((t) => clean(t!, 40)),
    // With several accounts watched, which one it happened in is part of what happened.
    account: e.account ? clean(e.account, 40) : '',
    names: names.slice(0, 3),
    more: Math.max(0, names.length - 3),
    ip: e.sourceIp ? clean(e.sourceIp, 60) : '',
    error: e.error ? clean(e.error.code, 80) : '',
    name: clean(e.name, 80),
  };
}

const en: Phrases = {
  event(e) {
    const f = facts(e);
    const on = f.names.length ? ` on ${f.names.join(', ')}${f.more ? ` and ${f.more} more` : ''}` : '';
    const where = [...f.where, ...(f.account ? [`account ${f.account}`] : [])];
    return `${f.who || 'someone'} called ${f.name}${where.length ? ` (${where.join(', ')})` : ''}${on}${f.ip ? ` from ${f.ip}` : ''}${f.error ? `, failed: ${f.error}` : ''}`;
  },
  duration: formatDuration,
  count: (n, span) => `${n} matching events in ${span}`,
  spike: (rose, pct, previous, n, span) => `matching events ${rose ? 'rose' : 'fell'}${pct ? ` ${pct}` : ''} (${previous} → ${n}) over ${span}`,
  distinct: (n, field, span) => `${n} distinct ${field} values in ${span}`,
  firstSeen: (field, value, group, event) => `new ${field} ${value} (first seen${group.length ? `; ${group.join(', ')}` : ''}); ${event}`,
  flatline: (n, lt, span) => (n === 0 ? `no matching events in ${span}` : `only ${n} matching events in ${span}`) + ` (fewer than ${lt})`,
  travel: (t, group, event) => {
    const when = t.kmh === Infinity ? 'at the same time' : `in ${elapsed(t.to.ms - t.from.ms, { h: 'h', m: 'm', s: 's' })}: ${Math.round(t.kmh)} km/h`;
    const of = group.length ? ` (${group.join(', ')})` : '';
    return `${Math.round(t.km)} km from ${stop(t.from, ', ', ' (', ')')} to ${stop(t.to, ', ', ' (', ')')} ${when}, over ${t.limitKmh} km/h${of}; ${event}`;
  },
  group: (parts) => ` for ${parts.join(', ')}`,
  titled: (title, what) => `${title}: ${what}`,
  last: (what, event) => `${what}; last: ${event}`,
};

const ZH_UNITS: Record<string, string> = { d: '天', h: '小时', m: '分钟', s: '秒', ms: '毫秒' };

const zh: Phrases = {
  event(e) {
    const f = facts(e);
    const where = [...f.where, ...(f.account ? [`账号 ${f.account}`] : [])];
    const parts = [`${f.who || '未知身份'} 调用 ${f.name}${where.length ? `（${where.join('，')}）` : ''}`];
    if (f.names.length) parts.push(`资源 ${f.names.join('、')}${f.more ? ` 等 ${f.names.length + f.more} 个` : ''}`);
    if (f.ip) parts.push(`来源 ${f.ip}`);
    if (f.error) parts.push(`失败：${f.error}`);
    return parts.join('，');
  },
  duration: (ms) => formatDuration(ms).replace(/^(\d+)(ms|d|h|m|s)$/, (_, n: string, u: string) => `${n} ${ZH_UNITS[u]}`),
  count: (n, span) => `${span}内 ${n} 个匹配事件`,
  spike: (rose, pct, previous, n, span) => `${span}内匹配事件${rose ? '上升' : '下降'}${pct ? ` ${pct}` : ''}（${previous} → ${n}）`,
  distinct: (n, field, span) => `${span}内出现 ${n} 个不同的 ${field}`,
  firstSeen: (field, value, group, event) => `首次出现的 ${field} ${value}${group.length ? `（${group.join('，')}）` : ''}；${event}`,
  flatline: (n, lt, span) => (n === 0 ? `${span}内没有匹配事件` : `${span}内仅 ${n} 个匹配事件`) + `（少于 ${lt} 个）`,
  travel: (t, group, event) => {
    const when = t.kmh === Infinity ? '同一时间' : `用时 ${elapsed(t.to.ms - t.from.ms, { h: ' 小时', m: ' 分钟', s: ' 秒' })}，时速 ${Math.round(t.kmh)} 公里`;
    const of = group.length ? `（${group.join('，')}）` : '';
    return `从 ${stop(t.from, '，', '（', '）')}到 ${stop(t.to, '，', '（', '）')}，相距 ${Math.round(t.km)} 公里，${when}，超过 ${t.limitKmh} 公里/小时${of}；${event}`;
  },
  group: (parts) => `（${parts.join('，')}）`,
  titled: (title, what) => `${title}：${what}`,
  last: (what, event) => `${what}；最近一次：${event}`,
};

export const PHRASES: Record<Locale, Phrases> = { en, 'zh-CN': zh };
