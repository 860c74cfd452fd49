import type { Logger } from '../../util/logger.js';
import { paced, withRetries, type RetryDelays } from '../calls.js';
import type { SourceStats } from '../types.js';
import type { RpcCall } from './client.js';
import { authError, classify, sourceError } from './errors.js';

export { DEFAULT_RETRY_DELAYS, type RetryDelays } from '../calls.js';

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

/** One ActionTrail (or STS) call (sources/calls.ts) through its lane's limiter; each attempt counts as a call. */
export function createCaller(o: CallerOptions): { call: Call; stats(): SourceStats } {
  const stats: SourceStats = { apiCalls: 0, retries: 0 };
  const lanes = new Map<string, Call>();
  const laneFor = (lane: string): Call => {
    let attempt = lanes.get(lane);
    if (!attempt) {
      attempt = paced(o.maxRequestsPerSecond, async (lane: string, action: string, version: string, query: Record<string, string>, signal?: AbortSignal) => {
        signal?.throwIfAborted();
        const client = o.clientFor(lane);
        stats.apiCalls++;
        return client(action, version, query, signal);
      });
      lanes.set(lane, attempt);
    }
    return attempt;
  };
  const policy = { service: 'ActionTrail', maxAttempts: o.maxAttempts, delays: o.delays, logger: o.logger, stats, classify, authError, sourceError };
  const call: Call = (lane, action, version, query, signal) => {
    const attempt = laneFor(lane);
    return withRetries(policy, { partition: lane, action, signal }, () => attempt(lane, action, version, query, signal));
  };
  return { call, stats: () => ({ ...stats }) };
}
