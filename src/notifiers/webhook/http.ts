import { parseRetryAfter, PermanentError, TransientError } from '../retry.js';
import type { Verdict, WebhookRequest } from './format.js';

export interface HttpAnswer {
  status: number;
  retryAfter: string | null;
  body: string;
}

/**
 * One POST with its own timeout. Connection errors and timeouts throw TransientError; an
 * answer of any status is returned for the caller to judge.
 */
export async function post(req: WebhookRequest, timeoutMs: number, signal?: AbortSignal): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body, signal: combined, redirect: 'manual' });
    const body = await res.text();
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
  } catch (err) {
    if (signal?.aborted) throw new PermanentError('aborted');
    if (timeout.aborted) throw new TransientError(`timed out after ${timeoutMs}ms`);
    // undici reports network failures as TypeError('fetch failed') with the reason as cause;
    // without a cause the request itself was unusable (a bad header value) and retrying cannot help.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (!cause) throw new PermanentError(`request failed: ${(err as Error).message}`);
    throw new TransientError(`connection failed: ${cause.code ?? cause.message}`);
  }
}

/** 429 and 5xx are worth retrying whatever the body says; everything else is the format's call. */
export function judge(answer: HttpAnswer, verdict: (status: number, body: string) => Verdict, now: Date): void {
  const { status, body } = answer;
  if (status === 429) {
    const wait = parseRetryAfter(answer.retryAfter, now);
    throw new TransientError(`HTTP 429 rate limited${wait !== undefined ? ` (retry after ${Math.ceil(wait / 1000)}s)` : ''}`, wait);
  }
  if (status >= 500) throw new TransientError(`HTTP ${status}`);
  const v = verdict(status, body);
  if (v.ok) return;
  throw v.transient ? new TransientError(v.message) : new PermanentError(v.message);
}
