import type { Locale } from '../../util/locale.js';

/** Every word a message adds around the event's own text, per language. */
export interface Labels {
  severity: Record<string, string>;
  /** `[HIGH] ` / `【高危】`: put straight before the title (the English one ends in a space). */
  tag(severity: string): string;
  /** Between a label and its value. */
  colon: string;
  /** Between list items. */
  comma: string;
  who: string;
  action: string;
  resources: string;
  from: string;
  when: string;
  result: string;
  ok: string;
  failed(code: string, message: string): string;
  accessKey: string;
  account: string;
  rule: string;
  eventId: string;
  count: string;
  window: string;
  alsoMatched: string;
  console(service: string): string;
  alerts: string;
  digestTitle(n: number): string;
  digestSummary(n: number, byRule: [string, number][]): string;
  more(n: number): string;
  testTitle: string;
  testSummary(name: string): string;
}

const en: Labels = {
  severity: { CRITICAL: 'CRITICAL', HIGH: 'HIGH', MEDIUM: 'MEDIUM', LOW: 'LOW', INFO: 'INFO' },
  tag: (s) => `[${s}] `,
  colon: ': ',
  comma: ', ',
  who: 'Who',
  action: 'Action',
  resources: 'Resources',
  from: 'From',
  when: 'When',
  result: 'Result',
  ok: 'succeeded',
  failed: (code, message) => `failed: ${code}${message && message !== code ? ` (${message})` : ''}`,
  accessKey: 'Access key',
  account: 'account',
  rule: 'Rule',
  eventId: 'Event ID',
  count: 'Count',
  window: 'Window',
  alsoMatched: 'Also matched',
  console: (service) => `Open in the ${service} console`,
  alerts: 'Alerts',
  digestTitle: (n) => `${n} more alerts`,
  digestSummary: (n, byRule) => `and ${n} more: ${byRule.map(([rule, k]) => `${k} ${rule}`).join(', ')}`,
  more: (n) => `(+${n} more)`,
  testTitle: 'Test message from cloudaudit-watch',
  testSummary: (name) => `If you can read this, notifier "${name}" works.`,
};

const zh: Labels = {
  severity: { CRITICAL: '严重', HIGH: '高危', MEDIUM: '中危', LOW: '低危', INFO: '提示' },
  tag: (s) => `【${s}】`,
  colon: '：',
  comma: '；',
  who: '操作者',
  action: '操作',
  resources: '资源',
  from: '来源',
  when: '时间',
  result: '结果',
  ok: '成功',
  failed: (code, message) => `失败：${code}${message && message !== code ? `（${message}）` : ''}`,
  accessKey: '访问密钥',
  account: '账号',
  rule: '规则',
  eventId: '事件 ID',
  count: '次数',
  window: '时间窗口',
  alsoMatched: '同一事件还触发',
  console: (service) => `在${service}控制台查看`,
  alerts: '告警数',
  digestTitle: (n) => `另有 ${n} 条告警`,
  digestSummary: (n, byRule) => `另有 ${n} 条：${byRule.map(([rule, k]) => `${rule} ${k} 条`).join('，')}`,
  more: (n) => `等 ${n} 个`,
  testTitle: 'cloudaudit-watch 测试消息',
  testSummary: (name) => `看到这条消息，说明通知渠道“${name}”已配置成功。`,
};

export const LABELS: Record<Locale, Labels> = { en, 'zh-CN': zh };
