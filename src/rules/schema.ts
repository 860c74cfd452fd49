import * as z from 'zod';
import { durationSchema } from '../util/duration-schema.js';
import { SEVERITIES } from './types.js';
import { checkFieldPath } from './fields.js';
import { compileWhen } from './when.js';

const fieldPathSchema = z.string().superRefine((path, ctx) => {
  const problem = checkFieldPath(path);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** `30%` to 0.3; plain numbers are refused because 0.3 and 30 would both look plausible. */
const percentSchema = z.string().transform((text, ctx) => {
  const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(text.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `invalid percentage ${JSON.stringify(text)} (use e.g. "30%")` });
    return z.NEVER;
  }
  return Number(m[1]) / 100;
});

const positiveDuration = durationSchema.refine((ms) => ms > 0, { message: 'must be longer than 0' });

const whenSchema = z.unknown().superRefine((when, ctx) => {
  const issues: { path: (string | number)[]; message: string }[] = [];
  compileWhen(when, [], issues);
  for (const issue of issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
});

/** Every field of a rule; also the shape of a built-in override, where all are optional. */
export const ruleFields = {
  id: z.string().regex(/^[a-z0-9-]+$/, { message: 'id must match [a-z0-9-]+' }),
  title: z.string().min(1).optional(),
  description: z.string().optional(),
  severity: z.enum(SEVERITIES).optional(),
  enabled: z.boolean().optional(),
  when: whenSchema,
  summary: z.string().min(1).optional(),
  notify: z.array(z.string().min(1)).min(1).optional(),
  window: positiveDuration.optional(),
  count: z
    .strictObject({ gte: z.number().int().min(1).optional(), gt: z.number().int().min(0).optional() })
    .refine((c) => (c.gte === undefined) !== (c.gt === undefined), { message: 'give exactly one of gte or gt' })
    .optional(),
  spike: z
    .strictObject({ increase: percentSchema.optional(), decrease: percentSchema.optional(), minCount: z.number().int().min(1).default(1) })
    .refine((s) => (s.increase === undefined) !== (s.decrease === undefined), { message: 'give exactly one of increase or decrease' })
    .optional(),
  distinct: z.strictObject({ field: fieldPathSchema, gte: z.number().int().min(1) }).optional(),
  groupBy: z.union([fieldPathSchema, z.array(fieldPathSchema).min(1)]).transform((g) => (Array.isArray(g) ? g : [g])).optional(),
  suppress: durationSchema.optional(),
};

type Parsed = { window?: number; count?: unknown; spike?: unknown; distinct?: unknown };

/** Cross-field problems, shared by inline, file and merged (built-in + override) rules. */
export function aggregationProblems(rule: Parsed): { path: string[]; message: string }[] {
  const kinds = (['count', 'spike', 'distinct'] as const).filter((k) => rule[k] !== undefined);
  if (rule.window === undefined) return kinds.map((k) => ({ path: [k], message: `${k} needs a window` }));
  if (kinds.length === 0) return [{ path: ['window'], message: 'window needs one of count, spike or distinct' }];
  if (kinds.length > 1) return [{ path: [kinds[1]], message: `give only one of ${kinds.join(', ')}` }];
  return [];
}

function checkAggregation(rule: Parsed, ctx: z.RefinementCtx): void {
  for (const p of aggregationProblems(rule)) ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
}

export const ruleSchema = z.strictObject(ruleFields).superRefine(checkAggregation);
/** A built-in rule repeated by id in the config: any field may be changed, none is required. */
export const ruleOverrideSchema = z.strictObject({ ...ruleFields, when: whenSchema.optional() }).partial().required({ id: true });

export type RuleSpecInput = z.input<typeof ruleSchema>;
export type RuleSpec = z.output<typeof ruleSchema>;
export type RuleOverride = z.output<typeof ruleOverrideSchema>;
