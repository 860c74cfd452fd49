import pRetry, { AbortError } from 'p-retry';

/**
 * Bounded retries for deliveries. The delays are computed here and slept through `sleep`
 * (p-retry's own timer is set to 0), so tests can record the backoff and Retry-After waits
 * instead of sleeping through them.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** A Retry-After longer than this is not waited for: the delivery fails and stays for the next run. */
  maxRetryAfterMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 3,
  minDelayMs: 1000,
  maxDelayMs: 30_000,
  factor: 2,
  maxRetryAfterMs: 60_000,
  sleep: defaultSleep,
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY, ...overrides };
}

/** A failure worth another attempt: connection error, timeout, 5xx, 429, a vendor's rate-limit code. */
export class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientError';
  }
}

/** A failure another attempt cannot fix (4xx, a rejected signature, a malformed message). */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

export function backoffDelay(policy: RetryPolicy, attemptNumber: number): number {
  return Math.min(policy.maxDelayMs, Math.round(policy.minDelayMs * policy.factor ** (attemptNumber - 1)));
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * Runs `attempt` until it succeeds, throws a non-transient error, or the retries are spent.
 * `onRetry` hears about each failed attempt that will be retried (for logging).
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  options: { signal?: AbortSignal; onRetry?: (err: TransientError, attemptNumber: number, delayMs: number) => void } = {},
): Promise<T> {
  return pRetry(
    async (n) => {
      try {
        return await attempt(n);
      } catch (err) {
        if (err instanceof TransientError) throw err;
        throw new AbortError(err instanceof Error ? err : new Error(String(err)));
      }
    },
    {
      retries: policy.retries,
      minTimeout: 0,
      maxTimeout: 0,
      signal: options.signal,
      shouldRetry: ({ error }) => {
        const e = error as TransientError;
        return e.retryAfterMs === undefined || e.retryAfterMs <= policy.maxRetryAfterMs;
      },
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        const e = error as TransientError;
        if (retriesLeft <= 0) return;
        if (e.retryAfterMs !== undefined && e.retryAfterMs > policy.maxRetryAfterMs) return;
        const delay = e.retryAfterMs ?? backoffDelay(policy, attemptNumber);
        options.onRetry?.(e, attemptNumber, delay);
        await policy.sleep(delay, options.signal);
      },
    },
  );
}
