import pRetry from 'p-retry';
import { AuditError } from '../../errors.js';
import type { Logger } from '../../util/logger.js';
import type { RetryDelays } from './caller.js';
import type { CredentialSource } from './credentials.js';
import { authHint, classify, type Verdict } from './errors.js';
import type { TencentcloudOptions } from './options.js';

export const DEFAULT_STS_ENDPOINT = 'sts.tencentcloudapi.com';

export type StsAction = 'AssumeRole' | 'GetCallerIdentity';

/** Turns a failed call into the error its caller reports: only the caller knows which account it was for. */
export type StsFailure = (v: Verdict, attempts: number, cause: unknown) => AuditError;

export interface Sts {
  call(action: StsAction, req: Record<string, unknown>, fail: StsFailure): Promise<any>;
}

export interface StsOptions {
  endpoint: { host: string; protocol: string };
  /** STS wants a Region like every API 3.0 call; any region answers for the whole account. */
  region: string;
  timeoutMs: number;
  /** The caller's own keys: AssumeRole is always asked with them, never with another role's. */
  credentials: CredentialSource;
  maxAttempts: number;
  delays: RetryDelays;
  logger: Logger;
}

/** `stsEndpoint`, else the host `endpoint` names (a proxy or the emulator serves both), else the public one. */
export function stsEndpointOf(opts: Pick<TencentcloudOptions, 'endpoint' | 'stsEndpoint'>): { host: string; protocol: string } {
  const given = opts.stsEndpoint ?? opts.endpoint;
  if (!given) return { host: DEFAULT_STS_ENDPOINT, protocol: 'https://' };
  const url = new URL(given);
  return { host: url.host, protocol: `${url.protocol}//` };
}

/**
 * STS through the official SDK, with the retries CloudAudit calls get. Not under CloudAudit's
 * rate limit: STS has quotas of its own, and a role is assumed about once an hour.
 */
export async function createSts(o: StsOptions): Promise<Sts> {
  // Only the STS client module: the package root would load every Tencent product.
  const mod: any = await import('tencentcloud-sdk-nodejs/tencentcloud/services/sts/v20180813/sts_client.js');
  const Client: typeof import('tencentcloud-sdk-nodejs/tencentcloud/services/sts/v20180813/sts_client.js').Client = mod.Client ?? mod.default.Client;
  const client = new Client({
    credential: { getCredential: () => o.credentials.get() },
    region: o.region,
    profile: { httpProfile: { reqMethod: 'POST', endpoint: o.endpoint.host, protocol: o.endpoint.protocol, reqTimeout: o.timeoutMs / 1000 } },
  });
  return {
    async call(action, req, fail) {
      let attempts = 0;
      try {
        return await pRetry(
          async () => {
            attempts++;
            // Resolved here, not inside the SDK, which would swallow our error into a retryable one.
            await o.credentials.get();
            return client.request(action, req);
          },
          {
            retries: o.maxAttempts - 1,
            factor: 2,
            minTimeout: o.delays.minMs,
            maxTimeout: o.delays.maxMs,
            randomize: true,
            shouldRetry: ({ error }) => classify(error).kind === 'retry',
            onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
              const v = classify(error);
              if (v.kind === 'retry' && retriesLeft > 0) o.logger.debug({ action, attempt: attemptNumber, code: v.code }, 'STS call failed; retrying');
            },
          },
        );
      } catch (err) {
        if (err instanceof AuditError) throw err;
        throw fail(classify(err), attempts, err);
      }
    },
  };
}

/** The account the caller's own keys belong to, for its partition names. */
export async function callerAccount(sts: Sts): Promise<string> {
  const res = await sts.call('GetCallerIdentity', {}, (v, attempts, cause) => {
    const skip = 'source.account skips this call';
    if (v.kind === 'auth') {
      return new AuditError('E_AUTH', `GetCallerIdentity refused with ${v.code}: ${authHint(v, 'sts:GetCallerIdentity')} (also check: keys, clock skew; ${skip})`, { cause });
    }
    const what = v.kind === 'retry' ? `failed after ${attempts} attempt${attempts === 1 ? '' : 's'}` : 'was rejected';
    const detail = v.message && v.message !== v.code ? ` (${v.message})` : '';
    return new AuditError('E_SOURCE', `GetCallerIdentity ${what}: ${v.code}${detail}; it names the caller's own account in partitions (${skip})`, { cause });
  });
  const id = String(res?.AccountId ?? '');
  if (!/^\d+$/.test(id)) throw new AuditError('E_SOURCE', 'GetCallerIdentity answered without an account id: give source.account');
  return id;
}
