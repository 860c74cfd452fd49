import pRetry from 'p-retry';
import pThrottle from 'p-throttle';
import { AuditError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import type { SourceStats } from './types.js';

/**
 * What every provider does around one API call: evenly paced under the quota, retried with
 * backoff while the failure can pass, and turned into E_AUTH / E_SOURCE naming the partition.
 * Providers differ only in how they read a failure (`classify`) and word the final error.
 */

/** What to do with a failed call: throttling, server faults and broken connections pass; a refused identity or a bad request does not. */
export type Verdict = { kind: 'retry' | 'auth' | 'fatal'; code: string; message: string };

/** Backoff between attempts; tests shrink it to stay fast. */
export interface RetryDelays {
  minMs: number;
  maxMs: number;
}
export const DEFAULT_RETRY_DELAYS: RetryDelays = { minMs: 500, maxMs: 20_000 };

/** How far under maxRequestsPerSecond calls are paced (a factor on the interval). */
const SAFETY = 1.05;

/**
 * Evenly spaced, one call per 1/rps second stretched by 5%: a burst of `rps` calls at the start of
 * each second meets the API's sliding window whenever its first calls leave late (SDK warm-up, a
 * new connection), and pacing at exactly the quota draws throttling errors.
 */
export function paced<A extends unknown[], R>(maxRequestsPerSecond: number, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return pThrottle({ limit: 1, interval: (1000 * SAFETY) / maxRequestsPerSecond, strict: true })(fn);
}

export interface RetryPolicy {
  /** Which trail this is, for the retry log line: `CloudTrail call failed; retrying`. */
  service: string;
  maxAttempts: number;
  delays: RetryDelays;
  logger: Logger;
  stats: SourceStats;
  classify(err: unknown): Verdict;
  authError(partition: string, action: string, v: Verdict, cause: unknown): AuditError;
  sourceError(partition: string, action: string, v: Verdict, attempts: number, cause: unknown): AuditError;
  /** A failure that is not transient but one more attempt can cure (role keys renewed); called once per call at most. */
  recover?(v: Verdict, partition: string): boolean;
}

/** Runs `attempt` until it succeeds, the failure cannot pass, the attempts run out or `signal` aborts. */
export async function withRetries<T>(policy: RetryPolicy, where: { partition: string; action: string; signal?: AbortSignal }, attempt: () => Promise<T>): Promise<T> {
  const { partition, action, signal } = where;
  let attempts = 0;
  let recovered = false;
  try {
    return await pRetry(
      () => {
        attempts++;
        return attempt();
      },
      {
        retries: policy.maxAttempts - 1,
        factor: 2,
        minTimeout: policy.delays.minMs,
        maxTimeout: policy.delays.maxMs,
        randomize: true,
        signal,
        shouldRetry: ({ error }) => {
          if (signal?.aborted) return false;
          const v = policy.classify(error);
          if (v.kind === 'retry') return true;
          if (recovered || !policy.recover) return false;
          recovered = policy.recover(v, partition);
          return recovered;
        },
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          const v = policy.classify(error);
          if (v.kind !== 'retry' || retriesLeft === 0 || signal?.aborted) return;
          policy.stats.retries++;
          policy.logger.debug({ partition, action, attempt: attemptNumber, code: v.code }, `${policy.service} call failed; retrying`);
        },
      },
    );
  } catch (err) {
    if (signal?.aborted) throw signal.reason ?? err;
    if (err instanceof AuditError) throw err;
    const v = policy.classify(err);
    if (v.kind === 'auth') throw policy.authError(partition, action, v, err);
    throw policy.sourceError(partition, action, v, attempts, err);
  }
}
