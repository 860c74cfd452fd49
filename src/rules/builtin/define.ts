import type { Alert } from '../model.js';
import type { Locale } from '../../util/locale.js';
import { ruleSchema, type RuleSpec, type RuleSpecInput } from '../schema.js';

export interface BuiltinRule {
  spec: RuleSpec;
  /** One sentence for the docs table: why this deserves an alert. */
  why: string;
  /** The title in Chinese: a team on call reads `根账号登录控制台` faster than the English. */
  titles: Partial<Record<Locale, string>>;
  /** Code-made summary, for text a `{{template}}` cannot express (e.g. "with MFA" or not). */
  summarize?: (alert: Alert, locale: Locale) => string;
}

type BuiltinInput = RuleSpecInput & { why: string; zh: string; summarize?: BuiltinRule['summarize'] };

/** Validated when the module loads, so a broken built-in fails every test, not a user's run. */
export function defineBuiltinRule(input: BuiltinInput): BuiltinRule {
  const { why, summarize, zh, ...spec } = input;
  return { spec: ruleSchema.parse(spec), why, titles: { 'zh-CN': zh }, summarize };
}
