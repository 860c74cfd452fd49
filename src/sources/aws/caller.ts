import pRetry from 'p-retry';
import pThrottle from 'p-throttle';
import { AuditError } from '../../errors.js';
import type { Logger } from '../../util/logger.js';
import type { SourceStats } from '../types.js';
import { authError, classify, sourceError } from './errors.js';

/** Backoff between attempts; tests shrink it to stay fast. */
export interface RetryDelays {
  minMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY_DELAYS: RetryDelays = { minMs: 500, maxMs: 20_000 };
/** How far under maxRequestsPerSecond the limiter paces (a factor on its window). */
const SAFETY = 1.05;
const ACTION = 'LookupEvents';

/** One LookupEvents request through the SDK, in a region; the SDK itself makes one attempt. */
export type Lookup = (region: string, input: Record<string, unknown>, signal?: AbortSignal) => Promise<any>;

export interface CallerOptions {
  lookup: Lookup;
  maxRequestsPerSecond: number;
  maxAttempts: number;
  delays: RetryDelays;
  logger: Logger;
}

export type Call = (partition: string, region: string, input: Record<string, unknown>, signal?: AbortSignal) => Promise<any>;

/**
 * One API call with everything around it: a limiter per region (CloudTrail's quota is per
 * account and region, and a source is one account), exponential backoff with jitter for
 * transient failures, and errors turned into E_AUTH / E_SOURCE naming the partition. Each
 * attempt goes through the limiter and counts as a call.
 */
export function createCaller(o: CallerOptions): { call: Call; stats(): SourceStats } {
  const stats: SourceStats = { apiCalls: 0, retries: 0 };
  const limiters = new Map<string, (input: Record<string, unknown>, signal?: AbortSignal) => Promise<any>>();
  const limiterFor = (region: string) => {
    let limited = limiters.get(region);
    if (!limited) {
      // Evenly spaced rather than in bursts: a burst at the start of each second meets the
      // API's window whenever its first calls leave late, as the Tencent source found.
      const throttle = pThrottle({ limit: 1, interval: (1000 * SAFETY) / o.maxRequestsPerSecond, strict: true });
      limited = throttle(async (input: Record<string, unknown>, signal?: AbortSignal) => {
        signal?.throwIfAborted();
        stats.apiCalls++;
        return o.lookup(region, input, signal);
      });
      limiters.set(region, limited);
    }
    return limited;
  };

  const call: Call = async (partition, region, input, signal) => {
    const attempt = limiterFor(region);
    let attempts = 0;
    try {
      return await pRetry(
        () => {
          attempts++;
          return attempt(input, signal);
        },
        {
          retries: o.maxAttempts - 1,
          factor: 2,
          minTimeout: o.delays.minMs,
          maxTimeout: o.delays.maxMs,
          randomize: true,
          signal,
          shouldRetry: ({ error }) => !signal?.aborted && classify(error).kind === 'retry',
          onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
            const v = classify(error);
            if (v.kind !== 'retry' || retriesLeft === 0 || signal?.aborted) return;
            stats.retries++;
            o.logger.debug({ partition, action: ACTION, attempt: attemptNumber, code: v.code }, 'CloudTrail call failed; retrying');
          },
        },
      );
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      if (err instanceof AuditError) throw err;
      const v = classify(err);
      if (v.kind === 'auth') throw authError(partition, ACTION, v, err);
      throw sourceError(partition, ACTION, v, attempts, err);
    }
  };
  return { call, stats: () => ({ ...stats }) };
}
