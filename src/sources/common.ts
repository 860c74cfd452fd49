import { DAY_MS } from '../util/duration.js';
import { boundedDuration } from '../util/duration-schema.js';
import * as z from 'zod';

/** Keys every source takes, whatever its provider: spread into each provider's options. */
export const sourceCommonFields = {
  /**
   * How long after its time an event may still appear (late events are judged again within it).
   * At most a day: every run re-reads this much before its checkpoint, and window history is
   * kept for it.
   */
  lateness: boundedDuration({ max: DAY_MS }).default(15 * 60_000),
  /** Cron expression for `audit watch`. */
  schedule: z.string().min(1).optional(),
};
