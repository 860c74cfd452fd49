import { resolve } from 'node:path';
import { AuditError } from '../errors.js';
import type { EnrichEvent } from '../events/geo.js';
import { compileRules, type LoadedRule, type RuleSet } from '../rules/compile.js';
import type { LoadedConfig } from './load.js';

export interface PreparedRules {
  /** Every rule, enabled or not, as `audit rules list` shows them. */
  all: LoadedRule[];
  enabled: LoadedRule[];
  ruleSet: RuleSet;
  /** What events gain before the rules see them (pipeline.ts), when the config asks for it (enrich.geoip). */
  enrich?: EnrichEvent;
}

/**
 * What the schema alone cannot check: rule files exist and compile, and every rule's `notify:`
 * names a configured notifier. Runs before the first API call, so cron never sends a broken
 * config to the cloud.
 */
export async function prepareRules(loaded: LoadedConfig): Promise<PreparedRules> {
  const cached = loaded.cache?.rules(loaded.config.rules);
  // The rule loader (yaml, the rule schema, the built-ins) only when the cache has no rules for this config.
  const all = cached ?? (await (await import('../rules/load.js')).loadRules(loaded.config.rules, { baseDir: loaded.baseDir }));
  // As loaded, before the travel rule may be turned off below (that depends on the geo database, checked each run).
  const asLoaded = [...all];
  const issues: string[] = [];
  const enrich = await geoEnrichment(loaded, all, issues);
  const enabled = all.filter((r) => r.enabled);
  const names = new Set(loaded.config.notifiers.map((n) => n.name));
  for (const rule of enabled) {
    (rule.notify ?? []).forEach((name, j) => {
      if (!names.has(name)) {
        issues.push(`${notifyPath(loaded, rule, j)}: unknown notifier "${name}" (configured: ${[...names].join(', ') || 'none'})`);
      }
    });
  }
  if (issues.length) throw new AuditError('E_CONFIG', `${loaded.path ?? 'config'}: invalid config`, { issues });
  const ruleSet = compileRules(enabled);
  if (!cached) await loaded.cache?.save(loaded.config.rules, asLoaded);
  return { all, enabled, ruleSet, enrich };
}

const NEEDS_GEO = { en: 'off: needs enrich.geoip', 'zh-CN': '未启用：需配置 enrich.geoip' } as const;

/**
 * Opens `enrich.geoip` (the database is read once, here, so a bad path fails before any API
 * call). Without one no event has `geo`: the built-in travel rule is turned off, saying why in
 * `audit rules list`, and a travel rule the user wrote or enabled is an error.
 */
async function geoEnrichment(loaded: LoadedConfig, all: LoadedRule[], issues: string[]): Promise<EnrichEvent | undefined> {
  const file = loaded.config.enrich?.geoip;
  if (file !== undefined) {
    try {
      const { openGeoDatabase } = await import('../events/geo.js');
      return (await openGeoDatabase(resolve(loaded.baseDir, file))).enrich;
    } catch (err) {
      issues.push(`enrich.geoip: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
  all.forEach((rule, i) => {
    if (!rule.enabled || rule.travel === undefined) return;
    const turnedOn = loaded.config.rules.findIndex((item) => item.kind === 'override' && item.override.id === rule.id && item.override.enabled === true);
    if (rule.origin === 'builtin' && turnedOn < 0) {
      const titles = { ...rule.titles, 'zh-CN': `${rule.titles?.['zh-CN'] ?? rule.title}（${NEEDS_GEO['zh-CN']}）` };
      all[i] = { ...rule, enabled: false, title: `${rule.title} (${NEEDS_GEO.en})`, titles };
    } else {
      const at = turnedOn >= 0 ? `rules[${turnedOn}].enabled` : travelPath(loaded, rule);
      issues.push(`${at}: needs enrich.geoip (without a geo database no event has geo, so "${rule.id}" could never fire)`);
    }
  });
  return undefined;
}

/** `rules[2].travel` for a rule written in the config; the file and rule id for one from a rule file. */
function travelPath(loaded: LoadedConfig, rule: LoadedRule): string {
  const i = loaded.config.rules.findIndex((item) => item.kind === 'inline' && item.rule.id === rule.id);
  return i >= 0 ? `rules[${i}].travel` : `${rule.origin}: rule "${rule.id}" travel`;
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
