import type { Alert } from '../../rules/model.js';
import type { Presentation } from '../../util/locale.js';
import { alertView, type AlertView } from '../format/fields.js';
import { mdValue, truncateBytes } from '../format/text.js';
import { errcodeVerdict, hmacBase64, type WebhookFormat } from './format.js';

/**
 * DingTalk custom robot: `msgtype: markdown`. With a secret ("加签"), `timestamp` (ms) and
 * `sign` = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)) are added as query
 * parameters; DingTalk rejects a timestamp more than an hour off, so they are made per attempt.
 */
// -1: system busy; 130101: more than 20 messages a minute.
const TRANSIENT = new Set([-1, 130101]);
/** Kept well under DingTalk's message size limit (about 20,000 bytes), whatever the event holds. */
export const DINGTALK_MAX_BYTES = 16_000;

/** The lines every markdown robot shows: the facts as a list, the other rules, a digest's top alerts. */
export function markdownLines(view: AlertView, item: (label: string, value: string) => string): string[] {
  const { colon, comma, alsoMatched } = view.labels;
  const lines = view.fields.map(([label, value]) => item(label, mdValue(value)));
  if (view.also.length) lines.push(item(alsoMatched, view.also.slice(0, 10).map((t) => mdValue(t, 80)).join(comma)));
  for (const [tag, text] of view.top) lines.push(`- ${tag}${mdValue(text, 300)}`);
  for (const [rule, n] of view.byRule.slice(0, 20)) lines.push(`- ${mdValue(rule, 80)}${colon}${n}`);
  return lines;
}

export function dingtalkMarkdown(alert: Alert, shown: Presentation): { title: string; text: string } {
  const view = alertView(alert, shown);
  const { colon } = view.labels;
  const lines = [`#### ${view.tag}${mdValue(view.ruleTitle, 120)}`, '', `**${mdValue(view.summary, 500)}**`, ''];
  lines.push(...markdownLines(view, (label, value) => `- **${label}**${colon}${value}`));
  if (view.link) lines.push('', `[${view.link.label}](${view.link.url})`);
  // The title is what the notification banner shows: severity first, then the rule.
  return { title: `${view.tag}${mdValue(view.ruleTitle, 60)}`, text: truncateBytes(lines.join('\n'), DINGTALK_MAX_BYTES) };
}

export const dingtalkFormat: WebhookFormat = {
  signs: true,
  chat: true,
  perMinute: 20,
  request(url, alert, { now, secret, shown }) {
    const u = new URL(url);
    if (secret) {
      const timestamp = String(now.getTime());
      u.searchParams.set('timestamp', timestamp);
      u.searchParams.set('sign', hmacBase64(secret, `${timestamp}\n${secret}`));
    }
    return {
      url: u.toString(),
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ msgtype: 'markdown', markdown: dingtalkMarkdown(alert, shown) }),
    };
  },
  verdict: (status, body) => errcodeVerdict('DingTalk', status, body, TRANSIENT),
};
