import { createHmac } from 'node:crypto';
import type { Alert } from '../../rules/model.js';
import type { Presentation } from '../../util/locale.js';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface FormatContext {
  now: Date;
  /** The reader's language and time zone. */
  shown: Presentation;
  secret?: string;
  headers?: Record<string, string>;
}

/** How one service's answer reads: delivered, or why not and whether trying again can help. */
export type Verdict = { ok: true } | { ok: false; transient: boolean; message: string };

export interface WebhookFormat {
  /** Builds the request for one alert. Called per attempt: signatures carry a fresh timestamp. */
  request(url: string, alert: Alert, ctx: FormatContext): WebhookRequest;
  /**
   * Reads a response that was neither 429 nor 5xx. Chat robots answer HTTP 200 with an error
   * code in the body, so a 2xx alone is not proof of delivery.
   */
  verdict(status: number, body: string): Verdict;
  /** Accepts a `secret` for signing. */
  signs: boolean;
  /** A chat robot with a per-minute quota: maxPerRun defaults to 10. */
  chat: boolean;
  /** Messages a robot accepts per minute (DingTalk and WeCom 20, Feishu 100): sends are paced to stay under it. */
  perMinute?: number;
}

export function hmacBase64(key: string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64');
}

export function jsonBody(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Short, single-line excerpt of a response body for error messages. */
export function excerpt(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** The DingTalk/WeCom convention: `{errcode, errmsg}`, 0 meaning delivered. */
export function errcodeVerdict(vendor: string, status: number, body: string, transientCodes: Set<number>): Verdict {
  const json = jsonBody(body);
  const code = json && typeof json.errcode === 'number' ? json.errcode : undefined;
  if (status >= 200 && status < 300 && code === 0) return { ok: true };
  if (code !== undefined) {
    const msg = `${vendor} errcode ${code}: ${excerpt(String(json!.errmsg ?? ''))}`;
    return { ok: false, transient: transientCodes.has(code), message: status >= 300 ? `HTTP ${status}, ${msg}` : msg };
  }
  return { ok: false, transient: false, message: `HTTP ${status}, unexpected ${vendor} response: ${excerpt(body) || '(empty)'}` };
}
