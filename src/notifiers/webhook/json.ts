import { alertJson } from '../../rules/model.js';
import { excerpt, type WebhookFormat } from './format.js';

/** Generic JSON: one POST per alert, the body being the alert object exactly as `audit check --output json` prints it. */
export const jsonFormat: WebhookFormat = {
  signs: false,
  chat: false,
  request(url, alert, { headers }) {
    return { url, headers: { 'content-type': 'application/json', ...headers }, body: alertJson(alert) };
  },
  verdict(status, body) {
    if (status >= 200 && status < 300) return { ok: true };
    return { ok: false, transient: false, message: `HTTP ${status}: ${excerpt(body) || '(empty)'}` };
  },
};
