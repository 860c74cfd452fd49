import pRetry from 'p-retry';
import pThrottle from 'p-throttle';
import { AuditError } from '../../errors.js';
import type { Logger } from '../../util/logger.js';
import type { SourceStats } from '../types.js';
import type { CredentialSource } from './credentials.js';
import { authError, classify, sourceError } from './errors.js';
import type { CloudAuditApi } from './slices.js';

/** Backoff between attempts; tests shrink it to stay fast. */
export interface RetryDelays {
  minMs: number;
  maxMs: number;
}
/** How far under maxRequestsPerSecond the limiter paces (a factor on its window). */
const SAFETY = 1.05;

export const DEFAULT_RETRY_DELAYS: RetryDelays = { minMs: 500, maxMs: 20_000 };

/** The part of the SDK client we use: the generic `request`, which takes an abort signal. */
export interface CloudAuditClient {
  request(action: string, req: unknown, options?: { signal?: AbortSignal }): Promise<any>;
}

export interface CallerOptions {
  clientFor(region: string): Promise<CloudAuditClient>;
  credentials: CredentialSource;
  maxRequestsPerSecond: number;
  maxAttempts: number;
  delays: RetryDelays;
  logger: Logger;
}

export type Call = (partition: string, region: string, action: CloudAuditApi, req: Record<string, unknown>, signal?: AbortSignal) => Promise<any>;

/**
 * One API call with everything around it: a limiter shared by every region of one account (the
 * quota is per account), exponential backoff with jitter for transient failures, and errors
 * turned into E_AUTH / E_SOURCE. Each attempt goes through the limiter and counts as a call.
 */
export function createCaller(o: CallerOptions): { call: Call; stats(): SourceStats } {
  const stats: SourceStats = { apiCalls: 0, retries: 0 };
  const rps = o.maxRequestsPerSecond;
  // Evenly spaced, one call per 1/rps second stretched by 5%: a burst of `rps` calls at the start
  // of each second met the API's sliding window whenever the first calls of a burst left late
  // (SDK warm-up, a new connection), and pacing at exactly the quota drew RequestLimitExceeded.
  const throttle = pThrottle({ limit: 1, interval: (1000 * SAFETY) / rps, strict: true });
  const attempt = throttle(async (region: string, action: CloudAuditApi, req: Record<string, unknown>, signal?: AbortSignal) => {
    signal?.throwIfAborted();
    // Resolved here, not inside the SDK, which would swallow our error into a retryable one.
    await o.credentials.get();
    const client = await o.clientFor(region);
    stats.apiCalls++;
    return client.request(action, req, { signal });
  });

  const call: Call = async (partition, region, action, req, signal) => {
    let attempts = 0;
    let renewed = false;
    try {
      return await pRetry(
        () => {
          attempts++;
          return attempt(region, action, req, signal);
        },
        {
          retries: o.maxAttempts - 1,
          factor: 2,
          minTimeout: o.delays.minMs,
          maxTimeout: o.delays.maxMs,
          randomize: true,
          signal,
          shouldRetry: ({ error }) => {
            if (signal?.aborted) return false;
            const v = classify(error);
            if (v.kind === 'retry') return true;
            // Role keys refused before their announced expiry (revoked, or a clock ahead of ours): assume the role again, once.
            if (v.kind !== 'auth' || renewed || !o.credentials.renew || !/TokenFailure/.test(v.code)) return false;
            renewed = true;
            o.credentials.renew();
            o.logger.debug({ partition, action, code: v.code }, 'temporary keys refused; assuming the role again');
            return true;
          },
          onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
            const v = classify(error);
            if (v.kind !== 'retry' || retriesLeft === 0 || signal?.aborted) return;
            stats.retries++;
            o.logger.debug({ partition, action, attempt: attemptNumber, code: v.code }, 'CloudAudit call failed; retrying');
          },
        },
      );
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      if (err instanceof AuditError) throw err;
      const v = classify(err);
      if (v.kind === 'auth') throw authError(partition, action, v, err);
      throw sourceError(partition, action, v, attempts, err);
    }
  };
  return { call, stats: () => ({ ...stats }) };
}
