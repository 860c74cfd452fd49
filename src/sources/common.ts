import { durationSchema } from '../util/duration-schema.js';
import * as z from 'zod';

/** Keys every source takes, whatever its provider: spread into each provider's options. */
export const sourceCommonFields = {
  /** How long after its time an event may still appear (late events are judged again within it). */
  lateness: durationSchema.default(15 * 60_000),
  /** Cron expression for `audit watch`. */
  schedule: z.string().min(1).optional(),
};
