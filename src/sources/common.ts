import { DAY_MS } from '../util/duration.js';
import { boundedDuration } from '../util/duration-schema.js';
import * as z from 'zod';

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
