import * as z from 'zod';
import { durationSchema } from '../util/duration-schema.js';
import { checkFieldPath } from './fields.js';

/** Shared by the rule schema and the rule types' own options. */
export const fieldPathSchema = z.string().superRefine((path, ctx) => {
  const problem = checkFieldPath(path);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** `30%` to 0.3; plain numbers are refused because 0.3 and 30 would both look plausible. */
export const percentSchema = z.string().transform((text, ctx) => {
  const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(text.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `invalid percentage ${JSON.stringify(text)} (use e.g. "30%")` });
    return z.NEVER;
  }
  return Number(m[1]) / 100;
});

export const positiveDuration = durationSchema.refine((ms) => ms > 0, { message: 'must be longer than 0' });
