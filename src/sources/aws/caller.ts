import type { Logger } from '../../util/logger.js';
import { paced, withRetries, type RetryDelays } from '../calls.js';
import type { SourceStats } from '../types.js';
import { authError, classify, sourceError } from './errors.js';

export { DEFAULT_RETRY_DELAYS, type RetryDelays } from '../calls.js';

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
 * One CloudTrail call (sources/calls.ts) with a limiter per region: CloudTrail's quota is per
 * account and region, and a source is one account. Each attempt counts as a call.
 */
export function createCaller(o: CallerOptions): { call: Call; stats(): SourceStats } {
  const stats: SourceStats = { apiCalls: 0, retries: 0 };
  const limiters = new Map<string, (input: Record<string, unknown>, signal?: AbortSignal) => Promise<any>>();
  const limiterFor = (region: string) => {
    let limited = limiters.get(region);
    if (!limited) {
      limited = paced(o.maxRequestsPerSecond, async (input: Record<string, unknown>, signal?: AbortSignal) => {
        signal?.throwIfAborted();
        stats.apiCalls++;
        return o.lookup(region, input, signal);
      });
      limiters.set(region, limited);
    }
    return limited;
  };
  const policy = { service: 'CloudTrail', maxAttempts: o.maxAttempts, delays: o.delays, logger: o.logger, stats, classify, authError, sourceError };
  const call: Call = (partition, region, input, signal) => {
    const attempt = limiterFor(region);
    return withRetries(policy, { partition, action: ACTION, signal }, () => attempt(input, signal));
  };
  return { call, stats: () => ({ ...stats }) };
}
