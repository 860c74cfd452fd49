import type { Alert } from '../../rules/model.js';
import type { Presentation } from '../../util/locale.js';
import { alertView } from '../format/fields.js';
import { mdValue, truncateBytes } from '../format/text.js';
import { markdownLines } from './dingtalk.js';
import { errcodeVerdict, type WebhookFormat } from './format.js';

/** WeCom rejects markdown content over 4096 bytes of UTF-8. */
export const WECOM_MAX_BYTES = 4096;
// -1: system busy; 45009: over the robot's quota (20 messages a minute).
const TRANSIENT = new Set([-1, 45009]);

const COLOR: Record<string, string> = { CRITICAL: 'warning', HIGH: 'warning', MEDIUM: 'info', LOW: 'comment', INFO: 'comment' };

/** WeCom group robot markdown: headings, bold, quotes, links and `<font color>` (no lists or tables). */
export function wecomMarkdown(alert: Alert, shown: Presentation): string {
  const view = alertView(alert, shown);
  const { colon } = view.labels;
  const lines = [
    `### <font color="${COLOR[view.severity] ?? 'comment'}">${view.tag}${mdValue(view.ruleTitle, 120)}</font>`,
    `**${mdValue(view.summary, 500)}**`,
    ...markdownLines(view, (label, value) => `> ${label}${colon}<font color="comment">${value}</font>`).map((l) => (l.startsWith('- ') ? `> ${l.slice(2)}` : l)),
  ];
  if (view.link) lines.push(`[${view.link.label}](${view.link.url})`);
  return truncateBytes(lines.join('\n'), WECOM_MAX_BYTES);
}

export const wecomFormat: WebhookFormat = {
  signs: false,
  chat: true,
  perMinute: 20,
  request(url, alert, { shown }) {
    return {
      url,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ msgtype: 'markdown', markdown: { content: wecomMarkdown(alert, shown) } }),
    };
  },
  verdict: (status, body) => errcodeVerdict('WeCom', status, body, TRANSIENT),
};
