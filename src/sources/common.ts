import { DAY_MS } from '../util/duration.js';
import * as z from 'zod';
import { boundedDuration, timeoutDuration } from '../util/duration-schema.js';

// At most a day: every run re-reads this much before its checkpoint, and window history is kept for it.
const latenessDuration = boundedDuration({ max: DAY_MS });

/** Keys every source takes, whatever its provider: spread into each provider's options. */
export const sourceCommonFields = {
  lateness: latenessDuration
    .default(15 * 60_000)
    .describe(
      `How long after its time an event may still appear: each run re-reads this much before its checkpoint, and window points a late event lands in are judged again. Default 15m. ${latenessDuration.description}`,
    ),
  schedule: z
    .string()
    .min(1)
    .optional()
    .describe('Cron expression for `audit watch` (seconds field optional), e.g. "*/5 * * * *". Default: every minute; --schedule overrides it.'),
};

/** scheme://host[:port] and nothing else (the SDKs take a host and a protocol); no user:password@, as endpoints are logged. */
function isEndpoint(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && (u.pathname === '/' || u.pathname === '') && !u.search && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** An API endpoint override (a proxy, a private endpoint, the local emulators). */
export const endpointSchema = (what: string) => z.string().refine(isEndpoint, { message: 'invalid endpoint: expected scheme://host[:port]' }).describe(what);

/** Keys every API source takes: how hard and how long one call may try. */
export const apiCallFields = {
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(20)
    .default(5)
    .describe('Attempts per API call, retries included: throttling, 5xx, timeouts and broken connections are retried with backoff. Default 5.'),
  timeout: timeoutDuration
    .default(10_000)
    .describe(`Per request: a stalled request is abandoned and retried. Default 10s. ${timeoutDuration.description}`),
};
