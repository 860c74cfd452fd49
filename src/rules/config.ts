import * as z from 'zod';
import { didYouMean } from '../config/issues.js';
import { ruleOverrideSchema, ruleSchema, type RuleOverride, type RuleSpec } from './schema.js';
import { BUILTIN_PACKS, BUILTIN_RULES } from './builtin/index.js';

/** One entry of the config's `rules:` list, after validation. */
export type RulesConfigItem =
  | { kind: 'file'; file: string }
  | { kind: 'sigma'; sigma: string }
  | { kind: 'builtin'; builtin: string }
  | { kind: 'inline'; rule: RuleSpec }
  | { kind: 'override'; override: RuleOverride };

const fileItem = z
  .strictObject({
    file: z.string().min(1).describe("A glob of YAML rule files, relative to the config file's directory, e.g. ./rules/*.yaml; matching no file is an error."),
  })
  .describe('Rules from files: each file is a YAML list of rules.');
const sigmaItem = z
  .strictObject({
    sigma: z
      .string()
      .min(1)
      .describe("A glob of Sigma rule files (YAML), relative to the config file's directory, e.g. ./rules/sigma/*.yml; matching no file is an error."),
  })
  .describe('Sigma rules: detection and correlation (event_count, value_count) rules, translated to rules of this tool; see docs/rules.md, Sigma.');
const BUILTIN_NAMES = [...Object.keys(BUILTIN_PACKS), ...Object.keys(BUILTIN_RULES)];

const builtinItem = z
  .strictObject({
    builtin: z
      .string()
      .refine((name) => name in BUILTIN_PACKS || name in BUILTIN_RULES, {
        error: (issue) => {
          const hint = didYouMean(String(issue.input), BUILTIN_NAMES);
          return hint
            ? `unknown built-in ${JSON.stringify(issue.input)} (did you mean "${hint}"?)`
            : `unknown built-in ${JSON.stringify(issue.input)} (packs: ${Object.keys(BUILTIN_PACKS).join(', ')}; rules: ${Object.keys(BUILTIN_RULES).join(', ')})`;
        },
      })
      .describe(`A built-in pack (${Object.keys(BUILTIN_PACKS).join(', ')}) or one built-in rule by id.`),
  })
  .describe('Built-in rules: the recommended pack, or one built-in rule.');

function forward(result: z.ZodSafeParseResult<unknown>, ctx: z.RefinementCtx): void {
  if (result.success) return;
  for (const issue of result.error.issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    for (const key of keys) {
      const message = key === undefined ? issue.message : `unknown key "${key}"`;
      ctx.addIssue({ code: 'custom', message, path: key === undefined ? issue.path : [...issue.path, key] });
    }
  }
}

/**
 * Told apart by their keys rather than a zod union, so an error names the real problem
 * (`when.sourceIp.cidr: invalid CIDR`) instead of "no union member matched".
 */
export const rulesConfigItemSchema = z.unknown().transform((item, ctx): RulesConfigItem => {
  const obj = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
  if (!obj) {
    ctx.addIssue({ code: 'custom', message: 'expected a rule, { file: <glob> }, { sigma: <glob> } or { builtin: <name> }' });
    return z.NEVER;
  }
  // `{ id: resource-deletoin, severity: critical }` meant to tune a built-in: say which one.
  const misspelt = typeof obj.id === 'string' && !(obj.id in BUILTIN_RULES) && !('when' in obj) ? didYouMean(obj.id, Object.keys(BUILTIN_RULES)) : undefined;
  if (misspelt) {
    ctx.addIssue({ code: 'custom', message: `no built-in rule "${obj.id}" to tune (did you mean "${misspelt}"?); a rule of your own needs a when`, path: ['id'] });
    return z.NEVER;
  }
  const schema = 'file' in obj ? fileItem : 'sigma' in obj ? sigmaItem : 'builtin' in obj ? builtinItem : typeof obj.id === 'string' && obj.id in BUILTIN_RULES ? ruleOverrideSchema : ruleSchema;
  const result = schema.safeParse(obj);
  if (!result.success) {
    forward(result, ctx);
    return z.NEVER;
  }
  if (schema === fileItem) return { kind: 'file', file: (result.data as { file: string }).file };
  if (schema === sigmaItem) return { kind: 'sigma', sigma: (result.data as { sigma: string }).sigma };
  if (schema === builtinItem) return { kind: 'builtin', builtin: (result.data as { builtin: string }).builtin };
  if (schema === ruleOverrideSchema) return { kind: 'override', override: result.data as RuleOverride };
  return { kind: 'inline', rule: result.data as RuleSpec };
});

/**
 * What `audit config schema` shows editors for one entry: the shapes the transform above tells
 * apart, which JSON Schema cannot see through a transform. Never used to validate. Only a
 * built-in's id makes an entry an override, so the override's id lists them (and, as extend
 * drops a description, is described again).
 */
export const rulesConfigItemShapes = z.union([
  fileItem,
  builtinItem,
  ruleOverrideSchema
    .extend({ id: z.enum(Object.keys(BUILTIN_RULES) as [string, ...string[]]).describe('The id of the built-in rule to tune.') })
    .describe(ruleOverrideSchema.description!),
  ruleSchema,
  sigmaItem,
]).describe("One entry: { builtin: <pack or rule> }, { file: <glob> }, { sigma: <glob> }, a built-in's id with the fields to change, or a rule of your own.");

export const DEFAULT_RULES_CONFIG = [{ builtin: 'recommended' }];

/**
 * Ids repeated within the list are errors here; ids repeated across rule files are caught
 * by loadRules, which reads them.
 */
export const rulesConfigSchema = z
  .array(rulesConfigItemSchema)
  .superRefine((items, ctx) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const id = item.kind === 'inline' ? item.rule.id : item.kind === 'override' ? item.override.id : undefined;
      if (id === undefined) return;
      const first = seen.get(id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', message: `duplicate rule id "${id}" (first at rules[${first}])`, path: [i, 'id'] });
      else seen.set(id, i);
    });
  })
  .prefault(DEFAULT_RULES_CONFIG)
  .describe(
    'Which rules run: built-in packs or rules, rule files, Sigma rule files, inline rules, and built-ins tuned by repeating their id. Default: the recommended pack; an empty list means nothing alerts.',
  );

export type RulesConfig = z.output<typeof rulesConfigSchema>;
