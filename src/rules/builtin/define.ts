import type { Alert } from '../model.js';
import { ruleSchema, type RuleSpec, type RuleSpecInput } from '../schema.js';

export interface BuiltinRule {
  spec: RuleSpec;
  /** One sentence for the docs table: why this deserves an alert. */
  why: string;
  /** Code-made summary, for text a `{{template}}` cannot express (e.g. "with MFA" or not). */
  summarize?: (alert: Alert) => string;
}

/** Validated when the module loads, so a broken built-in fails every test, not a user's run. */
export function defineBuiltinRule(input: RuleSpecInput & { why: string; summarize?: (alert: Alert) => string }): BuiltinRule {
  const { why, summarize, ...spec } = input;
  return { spec: ruleSchema.parse(spec), why, summarize };
}
