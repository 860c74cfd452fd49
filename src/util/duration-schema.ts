import * as z from 'zod';
import { parseDuration } from './duration.js';

// Apart from duration.ts so the CLI's flag parsing does not load zod.
/** A config duration: accepts `5m` (or a bare number of seconds) and yields milliseconds. */
export const durationSchema = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    const ms = typeof value === 'number' ? value * 1000 : parseDuration(value);
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(value)} (use 30s, 5m, 2h or 1d)` });
      return z.NEVER;
    }
    return ms;
  });
