import type { Logger } from '../../util/logger.js';
import { paced, withRetries, type RetryDelays } from '../calls.js';
import type { SourceStats } from '../types.js';
import type { CredentialSource } from './credentials.js';
import { authError, classify, sourceError } from './errors.js';
import type { CloudAuditApi } from './slices.js';

export { DEFAULT_RETRY_DELAYS, type RetryDelays } from '../calls.js';

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
 * One CloudAudit call (sources/calls.ts): one limiter shared by every region of one account (the
 * quota is per account); each attempt goes through it and counts as a call.
 */
export function createCaller(o: CallerOptions): { call: Call; stats(): SourceStats } {
  const stats: SourceStats = { apiCalls: 0, retries: 0 };
  const attempt = paced(o.maxRequestsPerSecond, async (region: string, action: CloudAuditApi, req: Record<string, unknown>, signal?: AbortSignal) => {
    signal?.throwIfAborted();
    // Resolved here, not inside the SDK, which would swallow our error into a retryable one.
    await o.credentials.get();
    const client = await o.clientFor(region);
    stats.apiCalls++;
    return client.request(action, req, { signal });
  });
  const policy = {
    service: 'CloudAudit',
    maxAttempts: o.maxAttempts,
    delays: o.delays,
    logger: o.logger,
    stats,
    classify,
    authError,
    sourceError,
    // Role keys refused before their announced expiry (revoked, or a clock ahead of ours): assume the role again, once.
    recover(v: { kind: string; code: string }, partition: string) {
      if (v.kind !== 'auth' || !o.credentials.renew || !/TokenFailure/.test(v.code)) return false;
      o.credentials.renew();
      o.logger.debug({ partition, code: v.code }, 'temporary keys refused; assuming the role again');
      return true;
    },
  };
  const call: Call = (partition, region, action, req, signal) => withRetries(policy, { partition, action, signal }, () => attempt(region, action, req, signal));
  return { call, stats: () => ({ ...stats }) };
}
