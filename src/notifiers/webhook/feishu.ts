import type { Alert } from '../../rules/model.js';
import type { Presentation } from '../../util/locale.js';
import { alertView } from '../format/fields.js';
import { mdValue, oneLine, truncateChars } from '../format/text.js';
import { excerpt, hmacBase64, jsonBody, type Verdict, type WebhookFormat } from './format.js';

/**
 * Feishu/Lark custom bot: an interactive card. With a secret, the body carries `timestamp`
 * (seconds) and `sign` = base64(HMAC-SHA256 keyed with timestamp + "\n" + secret, over an
 * empty message) — note the key/message order differs from DingTalk.
 */
// 11232: the bot's frequency limit (100 a minute, 5 a second).
const TRANSIENT = new Set([11232]);
const TEMPLATE: Record<string, string> = { CRITICAL: 'red', HIGH: 'orange', MEDIUM: 'yellow', LOW: 'blue', INFO: 'grey' };

/** Feishu rejects a request body over 20 KB; cards are kept under it with room for the signature. */
export const FEISHU_MAX_BYTES = 19_000;

export function feishuCard(alert: Alert, shown: Presentation): Record<string, unknown> {
  const view = alertView(alert, shown);
  const { comma, alsoMatched } = view.labels;
  const md = (content: string) => ({ tag: 'lark_md', content });
  const elements: unknown[] = [{ tag: 'div', text: md(`**${mdValue(view.summary, 500)}**`) }];
  const fields = view.fields.map(([label, value]) => ({ is_short: true, text: md(`**${label}**\n${mdValue(value)}`) }));
  if (view.also.length) fields.push({ is_short: false, text: md(`**${alsoMatched}**\n${view.also.slice(0, 10).map((t) => mdValue(t, 80)).join(comma)}`) });
  for (const [rule, n] of view.byRule.slice(0, 20)) fields.push({ is_short: true, text: md(`**${mdValue(rule, 80)}**\n${n}`) });
  if (fields.length) elements.push({ tag: 'div', fields });
  if (view.top.length) elements.push({ tag: 'div', text: md(view.top.map(([tag, text]) => `${tag}${mdValue(text, 300)}`).join('\n')) });
  if (view.link) elements.push({ tag: 'div', text: md(`[${view.link.label}](${view.link.url})`) });
  const card = {
    config: { wide_screen_mode: true },
    header: { title: { tag: 'plain_text', content: truncateChars(oneLine(view.title), 120) }, template: TEMPLATE[view.severity] ?? 'blue' },
    elements,
  };
  return card;
}

function verdict(status: number, body: string): Verdict {
  const json = jsonBody(body);
  // Older deployments answer with StatusCode/StatusMessage instead of code/msg.
  const code = json ? (json.code ?? json.StatusCode) : undefined;
  if (status >= 200 && status < 300 && code === 0) return { ok: true };
  if (typeof code === 'number') {
    const msg = `Feishu code ${code}: ${excerpt(String(json!.msg ?? json!.StatusMessage ?? ''))}`;
    return { ok: false, transient: TRANSIENT.has(code), message: status >= 300 ? `HTTP ${status}, ${msg}` : msg };
  }
  return { ok: false, transient: false, message: `HTTP ${status}, unexpected Feishu response: ${excerpt(body) || '(empty)'}` };
}

export const feishuFormat: WebhookFormat = {
  signs: true,
  chat: true,
  perMinute: 100,
  request(url, alert, { now, secret, shown }) {
    const signed: Record<string, string> = {};
    if (secret) {
      const timestamp = String(Math.floor(now.getTime() / 1000));
      signed.timestamp = timestamp;
      signed.sign = hmacBase64(`${timestamp}\n${secret}`, '');
    }
    return {
      url,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ ...signed, msg_type: 'interactive', card: feishuCard(alert, shown) }),
    };
  },
  verdict,
};
