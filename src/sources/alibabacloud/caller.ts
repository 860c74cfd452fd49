import pRetry from 'p-retry';
import pThrottle from 'p-throttle';
import { AuditError } from '../../errors.js';
import type { Logger } from '../../util/logger.js';
import type { SourceStats } from '../types.js';
import type { RpcCall } from './client.js';
import { authError, classify, sourceError } from './errors.js';

/** Backoff between attempts; tests shrink it to stay fast. */
export interface RetryDelays {
  minMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY_DELAYS: RetryDelays = { minMs: 500, maxMs: 20_000 };
/** How far under maxRequestsPerSecond the limiter paces (a factor on its interval). */
const SAFETY = 1.05;

export interface CallerOptions {
  /** The client a lane calls through; may throw (no keys), which is final. */
  clientFor(lane: string): RpcCall;
  maxRequestsPerSecond: number;
  maxAttempts: number;
  delays: RetryDelays;
  logger: Logger;
}

/** `lane` is the partition (or `sts`): each has its own limiter, as ActionTrail counts per account and region. */
export type Call = (lane: string, action: string, version: string, query: Record<string, string>, signal?: AbortSignal) => Promise<any>;

/**
 * One API call with everything around it: the lane's limiter, exponential backoff with jitter
 * for transient failures, and errors turned into E_AUTH / E_SOURCE naming the lane. Each
 * attempt goes through the limiter and counts as a call.
 */
export function createCaller(o: CallerOptions): { call: Call; stats(): SourceStats } {
  const stats: SourceStats = { apiCalls: 0, retries: 0 };
  const lanes = new Map<string, Call>();
  // Evenly spaced rather than in bursts: at 2 calls/s a burst at the top of each second met the
  // API's sliding window whenever a call of the previous burst had left late.
  const laneFor = (lane: string): Call => {
    let attempt = lanes.get(lane);
    if (!attempt) {
      const throttle = pThrottle({ limit: 1, interval: (1000 * SAFETY) / o.maxRequestsPerSecond, strict: true });
      attempt = throttle(async (lane: string, action: string, version: string, query: Record<string, string>, signal?: AbortSignal) => {
        signal?.throwIfAborted();
        const client = o.clientFor(lane);
        stats.apiCalls++;
        return client(action, version, query, signal);
      });
      lanes.set(lane, attempt);
    }
    return attempt;
  };

  const call: Call = async (lane, action, version, query, signal) => {
    const attempt = laneFor(lane);
    let attempts = 0;
    try {
      return await pRetry(
        () => {
          attempts++;
          return attempt(lane, action, version, query, signal);
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
            o.logger.debug({ partition: lane, action, attempt: attemptNumber, code: v.code }, 'ActionTrail call failed; retrying');
          },
        },
      );
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      if (err instanceof AuditError) throw err;
      const v = classify(err);
      if (v.kind === 'auth') throw authError(lane, action, v, err);
      throw sourceError(lane, action, v, attempts, err);
    }
  };
  return { call, stats: () => ({ ...stats }) };
}
