import * as z from 'zod';
import { DAY_MS } from '../util/duration.js';
import { boundedDuration } from '../util/duration-schema.js';
import { checkFieldPath } from './fields.js';

/** Shared by the rule schema and the rule types' own options. */
export const fieldPathSchema = z
  .string()
  .superRefine((path, ctx) => {
    const problem = checkFieldPath(path);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('An event field path, e.g. name, sourceIp, actor.accessKeyId, error.code, resources.name or raw.<path>.');

/** `30%` to 0.3; plain numbers are refused because 0.3 and 30 would both look plausible. */
export const percentSchema = z.string().transform((text, ctx) => {
  const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(text.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `invalid percentage ${JSON.stringify(text)} (use e.g. "30%")` });
    return z.NEVER;
  }
  return Number(m[1]) / 100;
}).describe('A percentage such as "30%"; a plain number is refused.');

/**
 * A window longer than a week is no longer a burst, and a first run fetches its whole lookback
 * (two windows for a spike) before it can judge a point.
 */
export const MAX_WINDOW_MS = 7 * DAY_MS;
/** Suppression is remembered in the state between runs; a month is the longest that means "once". */
export const MAX_SUPPRESS_MS = 30 * DAY_MS;

// Described at their keys in schema.ts; `every` is also never longer than the window, checked on the rule.
export const windowDuration = boundedDuration({ min: 1, max: MAX_WINDOW_MS });
export const everyDuration = boundedDuration({ min: 1, max: MAX_WINDOW_MS });
export const suppressDuration = boundedDuration({ max: MAX_SUPPRESS_MS });
