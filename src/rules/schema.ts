import * as z from 'zod';
import { SEVERITIES } from './model.js';
import { everyDuration, fieldPathSchema, suppressDuration, windowDuration } from './option-schemas.js';
import { keyedRuleTypes, type RuleTypeName, type ruleTypes } from './types/index.js';
import { compileWhen } from './when.js';

const whenSchema = z
  .unknown()
  .superRefine((when, ctx) => {
    const issues: { path: (string | number)[]; message: string }[] = [];
    compileWhen(when, [], issues);
    for (const issue of issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  })
  .describe(
    'Which events match: a map of field path (name, actor.type, error.code, resources.name, raw.<path>) to a value, a glob ("Delete*"), a list (any of), null (absent) or operators ({ cidr, regex, in, gte, ... }); every entry must hold. any, all and not combine maps; {} matches every event. See docs/rules.md.',
  );

/** Every field of a rule; also the shape of a built-in override, where all are optional. */
export const ruleFields = {
  id: z
    .string()
    .regex(/^[a-z0-9-]+$/, { message: 'id must match [a-z0-9-]+' })
    .describe("The rule's id, [a-z0-9-]+, unique across the config, rule files and the built-ins in use. Repeating a built-in's id tunes that built-in."),
  title: z.string().min(1).optional().describe('Short title shown in alerts. Default: the id.'),
  description: z.string().optional().describe('Free text for people reading the rule: what it catches and why it matters.'),
  severity: z.enum(SEVERITIES).optional().describe("info, low, medium, high or critical; notifiers' minSeverity filters on it. Default medium."),
  enabled: z.boolean().optional().describe('false turns the rule off (a built-in too). Default true.'),
  when: whenSchema,
  summary: z
    .string()
    .min(1)
    .optional()
    .describe('Alert summary template: {{path}} is read from the alert, then the event, e.g. "{{actor.name}} from {{sourceIp}}". Default: the title and a short description of the event.'),
  notify: z.array(z.string().min(1)).min(1).optional().describe("Names of the notifiers that get this rule's alerts. Default: all notifiers."),
  window: windowDuration
    .optional()
    .describe(`Makes a window rule: at each evaluation point T the matching events in (T - window, T] are judged, per group; needs count, spike or distinct, or flatline for groups that go quiet. ${windowDuration.description}`),
  every: everyDuration
    .optional()
    .describe(`Distance between evaluation points of a window rule, never longer than the window. Default 1m, or the window if shorter. ${everyDuration.description}`),
  ...typeOptionFields(),
  groupBy: z
    .union([fieldPathSchema, z.array(fieldPathSchema).min(1)])
    .transform((g) => (Array.isArray(g) ? g : [g]))
    .optional()
    .describe('Field path or list of paths: window rules count and suppression applies per group (the first value when a path holds several), e.g. [actor.accessKeyId].'),
  suppress: suppressDuration
    .optional()
    .describe(
      `At most one alert per rule and group in this long, judged on alert times; 0 turns it off. Default: the window for window rules, none for per-event rules. ${suppressDuration.description}`,
    ),
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

export const ruleSchema = z
  .strictObject(ruleFields)
  .superRefine(checkAggregation)
  .describe('A rule of your own: an id and a when; with window and count, spike, distinct or flatline it judges windows; with firstSeen it learns the values of a field; else it judges each event.');
export const ruleOverrideSchema = z
  .strictObject({ ...ruleFields, when: whenSchema.optional() })
  .partial()
  .required({ id: true })
  .describe("A built-in rule repeated by its id, with the fields to change (e.g. severity, enabled: false); a new count, spike or distinct replaces the built-in's.");

export type RuleSpecInput = z.input<typeof ruleSchema>;
export type RuleSpec = z.output<typeof ruleSchema>;
export type RuleOverride = z.output<typeof ruleOverrideSchema>;
