import { AuditError } from '../errors.js';
import { BUILTIN_PACKS, BUILTIN_RULES } from './builtin/index.js';
import type { LoadedRule } from './compile.js';
import { rulesConfigSchema, type RulesConfigItem } from './config.js';
import { displayPath, expandRuleGlob, formatPath, readRuleFile } from './files.js';
import { readSigmaFiles } from './sigma/index.js';
import { keyedRuleTypes } from './types/index.js';
import { aggregationProblems, type RuleOverride, type RuleSpec } from './schema.js';

export interface LoadOptions {
  /** The config file's directory: `file:` globs are relative to it. */
  baseDir: string;
}

function withDefaults(rule: RuleSpec, origin: string): LoadedRule {
  return { ...rule, title: rule.title ?? rule.id, severity: rule.severity ?? 'medium', enabled: rule.enabled ?? true, origin };
}

function builtinRule(id: string): LoadedRule {
  const b = BUILTIN_RULES[id];
  return { ...withDefaults(b.spec, 'builtin'), titles: b.titles, summarize: b.summarize };
}

function applyOverride(base: LoadedRule, override: RuleOverride, at: string, issues: string[]): LoadedRule {
  const patch = Object.fromEntries(Object.entries(override).filter(([, v]) => v !== undefined));
  const merged: LoadedRule = { ...base, ...patch };
  // The user's own title is the title in every language.
  if ('title' in patch) delete merged.titles;
  // A new aggregation replaces the built-in's, rather than clashing with it.
  const keys = keyedRuleTypes.map((t) => t.key as keyof LoadedRule);
  for (const key of keys) {
    if ((override as Partial<LoadedRule>)[key] !== undefined) for (const other of keys) if (other !== key) delete merged[other];
  }
  for (const p of aggregationProblems(merged)) issues.push(`${at}.${p.path.join('.')}: ${p.message}`);
  return merged;
}

function isParsed(items: unknown[]): items is RulesConfigItem[] {
  return items.every((i) => i !== null && typeof i === 'object' && 'kind' in i);
}

/**
 * Resolves the config's `rules:` list into rules: packs and single built-ins, rule files and
 * Sigma files (globs relative to the config), inline rules and built-in overrides. Every problem is
 * collected and thrown at once as E_RULE.
 */
export async function loadRules(items: unknown[] | RulesConfigItem[], options: LoadOptions): Promise<LoadedRule[]> {
  let parsed: RulesConfigItem[];
  if (isParsed(items)) parsed = items;
  else {
    const result = rulesConfigSchema.safeParse(items);
    if (!result.success) {
      const issues = result.error.issues.map((i) => `${formatPath(['rules', ...i.path])}: ${i.message}`);
      throw new AuditError('E_RULE', 'invalid rules configuration', { issues });
    }
    parsed = result.data;
  }

  const issues: string[] = [];
  const loaded: LoadedRule[] = [];
  const added = new Set<string>();
  const addBuiltin = (id: string) => {
    if (added.has(`builtin:${id}`)) return;
    added.add(`builtin:${id}`);
    loaded.push(builtinRule(id));
  };
  const overrides: { override: RuleOverride; at: string }[] = [];

  for (const [i, item] of parsed.entries()) {
    if (item.kind === 'builtin') (BUILTIN_PACKS[item.builtin] ?? [item.builtin]).forEach(addBuiltin);
    else if (item.kind === 'inline') loaded.push(withDefaults(item.rule, 'inline'));
    else if (item.kind === 'override') {
      addBuiltin(item.override.id);
      overrides.push({ override: item.override, at: `rules[${i}]` });
    } else if (item.kind === 'sigma') {
      // One call for the whole glob: a correlation may name a rule in another of its files.
      const files = await expandRuleGlob(item.sigma, options.baseDir);
      if (files.length === 0) issues.push(`rules[${i}].sigma: no Sigma rule files match ${JSON.stringify(item.sigma)}`);
      for (const { display, result } of await readSigmaFiles(files.map((file) => ({ file, display: displayPath(file, options.baseDir) })))) {
        issues.push(...result.issues);
        for (const { rule } of result.rules) loaded.push(withDefaults(rule, display));
      }
    } else {
      const files = await expandRuleGlob(item.file, options.baseDir);
      if (files.length === 0) issues.push(`rules[${i}].file: no rule files match ${JSON.stringify(item.file)}`);
      for (const file of files) {
        const display = displayPath(file, options.baseDir);
        const result = await readRuleFile(file, display);
        issues.push(...result.issues);
        for (const { rule } of result.rules) loaded.push(withDefaults(rule, display));
      }
    }
  }

  for (const { override, at } of overrides) {
    const index = loaded.findIndex((r) => r.origin === 'builtin' && r.id === override.id);
    loaded[index] = applyOverride(loaded[index], override, at, issues);
  }
  issues.push(...duplicateIssues(loaded));
  if (issues.length > 0) throw new AuditError('E_RULE', `invalid rules (${issues.length} problem${issues.length === 1 ? '' : 's'})`, { issues });
  return loaded;
}

export function duplicateIssues(rules: { id: string; origin: string }[]): string[] {
  const first = new Map<string, string>();
  const out: string[] = [];
  for (const rule of rules) {
    const seen = first.get(rule.id);
    if (seen === undefined) first.set(rule.id, rule.origin);
    else {
      const hint = seen === 'builtin' ? '; to tune a built-in rule, repeat its id in the config with only the fields to change' : '';
      out.push(`duplicate rule id "${rule.id}" (in ${rule.origin}, first in ${seen}${hint})`);
    }
  }
  return out;
}
