import type { AuditEvent } from '../../events/index.js';
import type { Locale } from '../../util/locale.js';
import type { PartitionHealth } from '../../state/schema.js';
import { describeAlert, fingerprint } from '../alert.js';
import type { Alert, Severity } from '../model.js';
import { clean, PHRASES } from '../phrases.js';

/**
 * `audit-lagging`: raised by the run itself (state/health.ts), not by events, when a partition's
 * checkpoint falls more than `health.maxLag` behind. So it is no entry of BUILTIN_RULES: no
 * condition could match it, `builtin:` cannot enable it (health.maxLag does), and `audit rules
 * list` lists the rules events are judged by (`audit status` shows the lag it watches).
 */
export const AUDIT_LAGGING = {
  id: 'audit-lagging',
  title: 'Audit trail watcher falling behind',
  titles: { 'zh-CN': '审计监控落后' } as Partial<Record<Locale, string>>,
  // A watcher that cannot fetch alerts on nothing: silence must not look like safety.
  severity: 'high' as Severity,
};

export interface LagSpell {
  partition: string;
  health: PartitionHealth;
  checkpoint?: Date;
  lagMs: number;
  maxLagMs: number;
  now: Date;
}

const UNITS: [number, string, string][] = [[86_400, 'd', '天'], [3_600, 'h', '小时'], [60, 'm', '分钟'], [1, 's', '秒']];

/** `2d 3h`, `1h 5m`, `40m`, `45s`: a lag is read at a glance, not to the second. */
export function roughDuration(ms: number, locale: Locale = 'en'): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const say = ([, en, zh]: [number, string, string], n: number) => (locale === 'zh-CN' ? `${n} ${zh}` : `${n}${en}`);
  const i = UNITS.findIndex(([size]) => seconds >= size);
  if (i === -1) return say(UNITS[3], 0);
  const first = Math.floor(seconds / UNITS[i][0]);
  const parts = [say(UNITS[i], first)];
  // Days with hours, hours with minutes; minutes alone.
  const second = i < 2 ? Math.floor((seconds - first * UNITS[i][0]) / UNITS[i + 1][0]) : 0;
  if (second > 0) parts.push(say(UNITS[i + 1], second));
  return parts.join(' ');
}

/** `tencentcloud/100000000001/ap-guangzhou` → its provider, account and region (`tencentcloud/ap-guangzhou`: no account). */
export function partitionParts(partition: string): { provider: string; account: string | null; region: string | null } {
  const [provider, ...rest] = partition.split('/');
  if (rest.length === 0) return { provider, account: null, region: null };
  if (rest.length === 1) return { provider, account: null, region: rest[0] || null };
  return { provider, account: rest[0] || null, region: rest.slice(1).join('/') || null };
}

/** What notifiers show as who/what/when: the watcher itself, acting on the partition. */
function watcherEvent(s: LagSpell): AuditEvent {
  const { health } = s;
  return {
    id: `audit-lagging:${s.partition}:${health.laggingSince}`,
    time: s.now.toISOString(),
    ...partitionParts(s.partition),
    name: 'WatcherLagging',
    type: 'WatcherHealth',
    service: 'audit',
    readOnly: true,
    actor: { type: 'Watcher', id: null, name: 'audit', accessKeyId: null, root: false },
    sourceIp: null,
    userAgent: null,
    error: health.error === null ? null : { code: 'SourceFailed', message: health.error },
    sensitive: false,
    login: false,
    resources: [{ type: 'partition', name: s.partition }],
    requestId: null,
    raw: { partition: s.partition, checkpoint: s.checkpoint?.toISOString() ?? null, lagMs: s.lagMs, maxLagMs: s.maxLagMs, ...health },
  };
}

function summarize(s: LagSpell, locale: Locale): string {
  const say = PHRASES[locale];
  const title = AUDIT_LAGGING.titles[locale] ?? AUDIT_LAGGING.title;
  const lag = roughDuration(s.lagMs, locale);
  const limit = roughDuration(s.maxLagMs, locale);
  const where = clean(s.partition, 120);
  const error = s.health.error === null ? '' : clean(s.health.error, 300);
  if (locale === 'zh-CN') {
    const what = s.checkpoint ? `${where} 的检查点落后 ${lag}（上限 ${limit}）` : `${where} 从未成功拉取，已连续失败 ${lag}（上限 ${limit}）`;
    return say.titled(title, `${what}；${error ? `上次运行失败：${error}` : '上次运行成功'}`);
  }
  const what = s.checkpoint ? `${where} is ${lag} behind (limit ${limit})` : `${where} has never been fetched and has failed for ${lag} (limit ${limit})`;
  return say.titled(title, `${what}; ${error ? `last run failed: ${error}` : 'last run ok'}`);
}

/** One alert per spell: its id is the rule's, the partition's and the spell's start. */
export function laggingAlert(s: LagSpell, locales: readonly Locale[]): Alert {
  const { id, title, severity } = AUDIT_LAGGING;
  const alert: Alert = {
    id: fingerprint(id, s.partition, s.health.laggingSince ?? ''),
    time: s.now.toISOString(),
    rule: { id, title, severity },
    summary: '',
    event: watcherEvent(s),
    count: 1,
    group: { partition: s.partition },
    window: null,
  };
  describeAlert({ title, titles: AUDIT_LAGGING.titles, summarize: (_a, locale) => summarize(s, locale) }, alert, locales);
  return alert;
}
