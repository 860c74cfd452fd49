import * as z from 'zod';
import { durationBoundProblem, formatDuration, MAX_TIMEOUT_MS, parseDuration, type DurationBounds } from './duration.js';

// Apart from duration.ts so the CLI's flag parsing does not load zod.

/** `5m` or a bare number of seconds to whole milliseconds; undefined when it is neither. */
function toMs(value: string | number): number | undefined {
  const ms = typeof value === 'number' ? Math.round(value * 1000) : parseDuration(value);
  return ms === undefined || Number.isNaN(ms) || ms < 0 ? undefined : ms;
}

const invalid = (value: unknown) => `invalid duration ${JSON.stringify(value)} (use 30s, 5m, 2h or 1d)`;

/** The format and range an editor shows for a duration key, worded like durationBoundProblem. */
function durationHelp({ min = 0, max }: DurationBounds): string {
  const range = min <= 0 ? `0 to ${formatDuration(max)}` : min === 1 ? `longer than 0, at most ${formatDuration(max)}` : `${formatDuration(min)} to ${formatDuration(max)}`;
  return `Duration such as 30s, 5m, 2h or 1d (a bare number is seconds), ${range}.`;
}

/**
 * A config duration with a range: accepts `5m` (or a bare number of seconds) and yields
 * milliseconds. Every duration in the config goes through one of these, so none can be
 * absurd (`9999999999d` is `at most 7d`, not a crash later on an invalid date or a timer
 * that overflows and fires at once). Its description, format and range from the bounds, is
 * what a key without its own shows; a key's own ends with it (`${schema.description}`).
 */
export function boundedDuration(bounds: DurationBounds) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = toMs(value);
    // Infinity (a number too long to hold) is out of range, not malformed.
    const problem = ms === undefined ? invalid(value) : durationBoundProblem(ms, bounds);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return ms!;
  }).describe(durationHelp(bounds));
}

/** Per-request and per-command timeouts: longer than 0, at most 10m. */
export const timeoutDuration = boundedDuration({ min: 1, max: MAX_TIMEOUT_MS });

/**
 * Any finite duration, without bounds (as before boundedDuration). Prefer boundedDuration for
 * config keys; this stays for callers that check their own range.
 */
export const durationSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = toMs(value);
  if (ms === undefined || !Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: invalid(value) });
    return z.NEVER;
  }
  return ms;
});
