import type { Alert } from '../../rules/model.js';
import { alertView } from '../format/fields.js';
import { mdTitle, mdValue } from '../format/text.js';
import { errcodeVerdict, hmacBase64, type WebhookFormat } from './format.js';

/**
 * DingTalk custom robot: `msgtype: markdown`. With a secret ("加签"), `timestamp` (ms) and
 * `sign` = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)) are added as query
 * parameters; DingTalk rejects a timestamp more than an hour off, so they are made per attempt.
 */
// -1: system busy; 130101: more than 20 messages a minute.
const TRANSIENT = new Set([-1, 130101]);

export function dingtalkMarkdown(alert: Alert): { title: string; text: string } {
  const view = alertView(alert);
  const lines = [`#### ${mdTitle(view)}`, '', `**${mdValue(view.summary, 500)}**`, ''];
  for (const [label, value] of view.fields) lines.push(`- **${label}:** ${mdValue(value)}`);
  if (view.byRule) {
    lines.push('');
    for (const [rule, n] of view.byRule.slice(0, 20)) lines.push(`- ${mdValue(rule, 80)}: ${n}`);
  }
  lines.push('', `> cloudaudit-watch · ${mdValue(alert.id, 80)}`);
  return { title: mdTitle(view, 60), text: lines.join('\n') };
}

export const dingtalkFormat: WebhookFormat = {
  signs: true,
  chat: true,
  request(url, alert, { now, secret }) {
    const u = new URL(url);
    if (secret) {
      const timestamp = String(now.getTime());
      u.searchParams.set('timestamp', timestamp);
      u.searchParams.set('sign', hmacBase64(secret, `${timestamp}\n${secret}`));
    }
    return {
      url: u.toString(),
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ msgtype: 'markdown', markdown: dingtalkMarkdown(alert) }),
    };
  },
  verdict: (status, body) => errcodeVerdict('DingTalk', status, body, TRANSIENT),
};
