import * as z from 'zod';
import { SEVERITIES } from './model.js';
import { everyDuration, fieldPathSchema, suppressDuration, windowDuration } from './option-schemas.js';
import { keyedRuleTypes, type RuleTypeName, type ruleTypes } from './types/index.js';
import { compileWhen } from './when.js';

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
  window: windowDuration.optional(),
  /** Distance between evaluation points (default 1m, or the window if shorter). */
  every: everyDuration.optional(),
  ...typeOptionFields(),
  groupBy: z.union([fieldPathSchema, z.array(fieldPathSchema).min(1)]).transform((g) => (Array.isArray(g) ? g : [g])).optional(),
  suppress: suppressDuration.optional(),
};

/** `count: {...}`, `spike: {...}`, ...: each keyed rule type's options, optional, under its key. */
function typeOptionFields() {
  const fields: Record<string, z.ZodType> = {};
  for (const t of keyedRuleTypes) fields[t.key!] = t.options!.optional();
  return fields as { [K in Exclude<RuleTypeName, 'event'>]: z.ZodOptional<NonNullable<(typeof ruleTypes)[K]['options']>> };
}


/** Cross-field problems, shared by inline, file and merged (built-in + override) rules. */
export function aggregationProblems(parsed: { window?: number; every?: number }): { path: string[]; message: string }[] {
  const rule = parsed as Record<string, unknown> & typeof parsed;
  const keyed = keyedRuleTypes.filter((t) => rule[t.key!] !== undefined);
  const windowedKeys = keyedRuleTypes.filter((t) => t.windowed).map((t) => t.key!);
  if (keyed.length > 1) return [{ path: [keyed[1].key!], message: `give only one of ${keyed.map((t) => t.key).join(', ')}` }];
  const type = keyed[0];
  if (rule.window === undefined) {
    if (type?.windowed) return [{ path: [type.key!], message: `${type.key} needs a window` }];
    if (rule.every !== undefined) return [{ path: ['every'], message: 'every needs a window' }];
    return [];
  }
  if (!type?.windowed) return [{ path: ['window'], message: `window needs one of ${windowedKeys.slice(0, -1).join(', ')} or ${windowedKeys.at(-1)}` }];
  if (rule.every !== undefined && rule.every > rule.window) {
    return [{ path: ['every'], message: 'every must not be longer than the window (events between windows would never count)' }];
  }
  return [];
}

function checkAggregation(rule: { window?: number; every?: number }, ctx: z.RefinementCtx): void {
  for (const p of aggregationProblems(rule)) ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
}

export const ruleSchema = z.strictObject(ruleFields).superRefine(checkAggregation);
/** A built-in rule repeated by id in the config: any field may be changed, none is required. */
export const ruleOverrideSchema = z.strictObject({ ...ruleFields, when: whenSchema.optional() }).partial().required({ id: true });

export type RuleSpecInput = z.input<typeof ruleSchema>;
export type RuleSpec = z.output<typeof ruleSchema>;
export type RuleOverride = z.output<typeof ruleOverrideSchema>;
