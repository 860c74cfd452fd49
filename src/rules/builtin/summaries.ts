import type { BuiltinRule } from './define.js';
import { summarizeRootConsoleLogin } from './root-console-login-summary.js';

/**
 * Every built-in's code-made summary by rule id, without the built-ins themselves (each parses
 * its spec with the rule schema when loaded): the config cache keeps a rule's summarize as its id
 * and takes the function from here (config/cached.ts). test/rules/builtin-summaries.test.ts
 * checks that this is every one.
 */
export const BUILTIN_SUMMARIES: Record<string, NonNullable<BuiltinRule['summarize']>> = {
  'root-console-login': summarizeRootConsoleLogin,
};
