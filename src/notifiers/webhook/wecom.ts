import type { Alert } from '../../rules/model.js';
import { alertView } from '../format/fields.js';
import { mdTitle, mdValue, truncateBytes } from '../format/text.js';
import { errcodeVerdict, type WebhookFormat } from './format.js';

/** WeCom rejects markdown content over 4096 bytes of UTF-8. */
export const WECOM_MAX_BYTES = 4096;
// -1: system busy; 45009: over the robot's quota (20 messages a minute).
const TRANSIENT = new Set([-1, 45009]);

const COLOR: Record<string, string> = { CRITICAL: 'warning', HIGH: 'warning', MEDIUM: 'info', LOW: 'comment', INFO: 'comment' };

/** WeCom group robot markdown: headings, bold, quotes and `<font color>` (no lists or tables). */
export function wecomMarkdown(alert: Alert): string {
  const view = alertView(alert);
  const lines = [
    `### <font color="${COLOR[view.severity] ?? 'comment'}">${mdTitle(view)}</font>`,
    `**${mdValue(view.summary, 500)}**`,
  ];
  for (const [label, value] of view.fields) lines.push(`> ${label}: <font color="comment">${mdValue(value)}</font>`);
  for (const [rule, n] of view.byRule?.slice(0, 20) ?? []) lines.push(`> ${mdValue(rule, 80)}: ${n}`);
  lines.push(`cloudaudit-watch · ${mdValue(alert.id, 80)}`);
  return truncateBytes(lines.join('\n'), WECOM_MAX_BYTES);
}

export const wecomFormat: WebhookFormat = {
  signs: false,
  chat: true,
  request(url, alert) {
    return {
      url,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ msgtype: 'markdown', markdown: { content: wecomMarkdown(alert) } }),
    };
  },
  verdict: (status, body) => errcodeVerdict('WeCom', status, body, TRANSIENT),
};
