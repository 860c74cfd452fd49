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
    for (const name of rule.notify ?? []) {
      if (!names.has(name)) {
        issues.push(`rules: rule "${rule.id}" (${rule.origin}) notify: unknown notifier "${name}" (configured: ${[...names].join(', ') || 'none'})`);
      }
    }
  }
  if (issues.length) throw new AuditError('E_CONFIG', `${loaded.path ?? 'config'}: invalid config`, { issues });
  return { all, enabled, ruleSet: compileRules(enabled) };
}

export async function validateEverything(loaded: LoadedConfig): Promise<void> {
  await prepareRules(loaded);
}
