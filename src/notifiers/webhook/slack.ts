import type { Alert } from '../../rules/model.js';
import type { Presentation } from '../../util/locale.js';
import { alertView } from '../format/fields.js';
import { oneLine, slackValue, truncateChars } from '../format/text.js';
import { excerpt, type WebhookFormat } from './format.js';

/**
 * Slack incoming webhook: `text` (the notification fallback) plus Block Kit `blocks` — a header,
 * the summary, and the key fields as a two-column section (at most 10 fields, Slack's limit).
 */
export function slackPayload(alert: Alert, shown: Presentation): Record<string, unknown> {
  const view = alertView(alert, shown);
  const fields = view.fields.map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${slackValue(value)}` }));
  if (view.also.length) fields.unshift({ type: 'mrkdwn', text: `*${view.labels.alsoMatched}*\n${view.also.slice(0, 10).map((t) => slackValue(t, 80)).join(view.labels.comma)}` });
  for (const [rule, n] of view.byRule) fields.push({ type: 'mrkdwn', text: `*${slackValue(rule, 80)}*\n${n}` });
  const blocks: unknown[] = [
    // Header text is plain_text (max 150 characters): no escaping, no markup.
    { type: 'header', text: { type: 'plain_text', text: truncateChars(oneLine(view.title), 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: slackValue(view.summary, 2900) } },
  ];
  // At most 10 fields a section (Slack's limit): the facts come first, in reading order.
  if (fields.length) blocks.push({ type: 'section', fields: fields.slice(0, 10) });
  if (view.top.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: view.top.map(([tag, text]) => `${slackValue(tag)}${slackValue(text, 300)}`).join('\n') } });
  if (view.link) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${view.link.url}|${slackValue(view.link.label)}>` }] });
  return { text: `${slackValue(view.title, 150)}: ${slackValue(view.summary, 500)}`, blocks };
}

export const slackFormat: WebhookFormat = {
  signs: false,
  chat: true,
  request(url, alert, { shown }) {
    return { url, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(slackPayload(alert, shown)) };
  },
  // Slack answers 200 "ok"; errors are 4xx with a short code as the body (invalid_payload, no_service, ...).
  verdict(status, body) {
    if (status >= 200 && status < 300) return { ok: true };
    return { ok: false, transient: false, message: `HTTP ${status}: ${excerpt(body) || '(empty)'}` };
  },
};
