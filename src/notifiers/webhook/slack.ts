import type { Alert } from '../../rules/model.js';
import { alertView } from '../format/fields.js';
import { oneLine, slackValue, truncateChars } from '../format/text.js';
import { excerpt, type WebhookFormat } from './format.js';

/**
 * Slack incoming webhook: `text` (the notification fallback) plus Block Kit `blocks` — a header,
 * the summary, and the key fields as a two-column section (at most 10 fields, Slack's limit).
 */
export function slackPayload(alert: Alert): Record<string, unknown> {
  const view = alertView(alert);
  const fields = view.fields.map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${slackValue(value)}` }));
  for (const [rule, n] of view.byRule ?? []) fields.push({ type: 'mrkdwn', text: `*${slackValue(rule, 80)}*\n${n}` });
  const blocks: unknown[] = [
    // Header text is plain_text (max 150 characters): no escaping, no markup.
    { type: 'header', text: { type: 'plain_text', text: truncateChars(oneLine(view.title), 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: slackValue(view.summary, 2900) } },
  ];
  if (fields.length) blocks.push({ type: 'section', fields: fields.slice(0, 10) });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `cloudaudit-watch · ${slackValue(alert.id, 100)}` }] });
  return { text: `${slackValue(view.title, 150)}: ${slackValue(view.summary, 500)}`, blocks };
}

export const slackFormat: WebhookFormat = {
  signs: false,
  chat: true,
  request(url, alert) {
    return { url, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(slackPayload(alert)) };
  },
  // Slack answers 200 "ok"; errors are 4xx with a short code as the body (invalid_payload, no_service, ...).
  verdict(status, body) {
    if (status >= 200 && status < 300) return { ok: true };
    return { ok: false, transient: false, message: `HTTP ${status}: ${excerpt(body) || '(empty)'}` };
  },
};
