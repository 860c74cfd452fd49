import { parseRetryAfter, PermanentError, TransientError } from '../retry.js';
import type { Verdict, WebhookRequest } from './format.js';

/** More than any service's answer needs; past it the rest of the body is never read. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface HttpAnswer {
  status: number;
  retryAfter: string | null;
  body: string;
}

/**
 * Reads at most `max` bytes of the body. An endless (or merely huge) body must not grow memory
 * or hold the delivery until its timeout: past the cap, `stop` drops the connection and the
 * answer is judged by its status and what was read.
 */
async function readCapped(body: ReadableStream<Uint8Array> | null, max: number, stop: () => void): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= max) {
      stop();
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

/**
 * One POST with its own timeout. Connection errors and timeouts throw TransientError; an
 * answer of any status is returned for the caller to judge.
 */
export async function post(req: WebhookRequest, timeoutMs: number, signal?: AbortSignal): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(timeoutMs);
  // Aborting a fetch whose body is half read makes undici destroy the socket instead of draining it.
  const enough = new AbortController();
  const combined = AbortSignal.any([timeout, enough.signal, ...(signal ? [signal] : [])]);
  try {
    const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body, signal: combined, redirect: 'manual' });
    const body = await readCapped(res.body, MAX_BODY_BYTES, () => enough.abort());
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
