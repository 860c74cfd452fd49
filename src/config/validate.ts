import { AuditError } from '../errors.js';
import { compileRules, loadRules, type LoadedRule, type RuleSet } from '../rules/index.js';
import type { LoadedConfig } from './load.js';

export interface PreparedRules {
  /** Every rule, enabled or not, as `audit rules list` shows them. */
  all: LoadedRule[];
  enabled: LoadedRule[];
  ruleSet: RuleSet;
}

/**
 * What the schema alone cannot check: rule files exist and compile, and every rule's `notify:`
 * names a configured notifier. Runs before the first API call, so cron never sends a broken
 * config to the cloud.
 */
export async function prepareRules(loaded: LoadedConfig): Promise<PreparedRules> {
  const all = await loadRules(loaded.config.rules, { baseDir: loaded.baseDir });
  const enabled = all.filter((r) => r.enabled);
  const names = new Set(loaded.config.notifiers.map((n) => n.name));
  const issues: string[] = [];
  for (const rule of enabled) {
    (rule.notify ?? []).forEach((name, j) => {
      if (!names.has(name)) {
        issues.push(`${notifyPath(loaded, rule, j)}: unknown notifier "${name}" (configured: ${[...names].join(', ') || 'none'})`);
      }
    });
  }
  if (issues.length) throw new AuditError('E_CONFIG', `${loaded.path ?? 'config'}: invalid config`, { issues });
  return { all, enabled, ruleSet: compileRules(enabled) };
}

/** `rules[2].notify[0]` for a rule written in the config; the file and rule id for one from a rule file. */
function notifyPath(loaded: LoadedConfig, rule: LoadedRule, j: number): string {
  const i = loaded.config.rules.findIndex(
    (item) => (item.kind === 'inline' && item.rule.id === rule.id) || (item.kind === 'override' && item.override.id === rule.id && item.override.notify),
  );
  return i >= 0 ? `rules[${i}].notify[${j}]` : `${rule.origin}: rule "${rule.id}" notify[${j}]`;
}

export async function validateEverything(loaded: LoadedConfig): Promise<void> {
  await prepareRules(loaded);
}
