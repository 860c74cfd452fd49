import type * as z from 'zod';
import { AuditError } from '../errors.js';
import type { AuditEvent } from '../events/index.js';
import { fingerprint } from './alert.js';
import type { Alert, Severity } from './model.js';
import type { Locale } from '../util/locale.js';
import { ruleTypeOf, type RuleTypeName, type ruleTypes } from './types/index.js';
import type { RuleTypePlugin } from './types/define.js';
import { candidateIndex } from './candidates.js';
import { grouping, type Group } from './group.js';
import type { RuleIssue } from './matchers.js';
import { compileWhen, type Predicate } from './when.js';

/** Evaluation points of window rules are a minute apart unless the rule says otherwise. */
export const DEFAULT_EVERY_MS = 60_000;

/** Each keyed rule type's options under its key (`count`, `spike`, ...), as its plugin declares them. */
export type RuleTypeOptions = {
  [K in Exclude<RuleTypeName, 'event'>]?: z.output<NonNullable<(typeof ruleTypes)[K]['options']>>;
};

/** A rule after loading: defaults applied, overrides merged, durations in milliseconds. */
export interface LoadedRule extends RuleTypeOptions {
  id: string;
  title: string;
  description?: string;
  severity: Severity;
  enabled: boolean;
  when: unknown;
  summary?: string;
  notify?: string[];
  window?: number;
  /** Distance between evaluation points of a window rule. */
  every?: number;
  groupBy?: string[];
  suppress?: number;
  /** 'builtin', 'inline', or the rule file's path. */
  origin: string;
  /** Built-ins' titles in other languages (dropped when an override sets the title). */
  titles?: Partial<Record<Locale, string>>;
  summarize?: (alert: Alert, locale: Locale) => string;
}

export interface CompiledRule {
  /** Position in the rule set; alerts come out in rule order. */
  index: number;
  rule: LoadedRule;
  /** The rule's type (src/rules/types/), chosen by its keys. */
  type: RuleTypePlugin;
  test: Predicate;
  /** Exact event names the rule requires, when its `when` pins `name`. */
  names?: string[];
  /** The rule's top-level `name` condition alone, as a test of the event name. */
  nameTest?: (name: string) => boolean;
  /** Group key: `JSON.stringify` of the groupBy values ('' without groupBy); persisted, so stable. */
  groupKey(event: AuditEvent): string;
  /** The group object for a window group or an alert (null without groupBy). */
  groupObject(event: AuditEvent): Group;
  /** 0 for rules without a window. */
  windowMs: number;
  /** Distance between evaluation points: `every`, else 1m, or the window if shorter. */
  stepMs: number;
  /** How much history an evaluation point reads (two windows for a spike). */
  lookbackMs: number;
  /** 0 means never suppressed. */
  suppressMs: number;
  /** Changes whenever what the rule counts changes: a stored window state is only restored under the same key. */
  stateKey: string;
}

export interface RuleSet {
  rules: CompiledRule[];
  byId: Map<string, CompiledRule>;
  /** The longest history any rule needs, so the caller fetches enough events. */
  lookbackMs: number;
  /** Rules that can match an event of this name, in rule order. */
  candidates(name: string): readonly CompiledRule[];
}

function compileRule(rule: LoadedRule, index: number): CompiledRule {
  const issues: RuleIssue[] = [];
  const when = compileWhen(rule.when, ['when'], issues);
  if (!when) {
    throw new AuditError('E_RULE', `rule ${rule.id}: invalid condition`, {
      issues: issues.map((i) => `${rule.id}.${i.path.join('.')}: ${i.message}`),
    });
  }
  const type = ruleTypeOf(rule);
  const windowMs = type.windowed ? (rule.window ?? 0) : 0;
  const groups = grouping(rule.groupBy ?? []);
  const key = type.key;
  return {
    index,
    rule,
    type,
    test: when.test,
    names: when.names,
    nameTest: when.nameTest,
    groupKey: groups.key,
    groupObject: groups.group,
    windowMs,
    stepMs: windowMs === 0 ? 0 : (rule.every ?? Math.min(DEFAULT_EVERY_MS, windowMs)),
    lookbackMs: windowMs * (type.lookbackWindows ?? 1),
    // Without an explicit period a window rule alerts once per window, so one burst is one alert,
    // not one per evaluation point it stays above the threshold.
    suppressMs: rule.suppress ?? windowMs,
    stateKey: fingerprint(
      JSON.stringify([type.type, rule.when, windowMs, rule.every ?? null, rule.groupBy ?? [], key ? (rule as unknown as Record<string, unknown>)[key] : null]),
    ).slice(0, 16),
  };
}

/**
 * Compiles enabled rules once. Each event then costs one lookup for the rules its name can
 * match (see candidates.ts), however many rules are pinned to other names.
 */
export function compileRules(rules: LoadedRule[]): RuleSet {
  const compiled = rules.filter((r) => r.enabled).map((r, i) => compileRule(r, i));
  return {
    rules: compiled,
    byId: new Map(compiled.map((r) => [r.rule.id, r])),
    lookbackMs: Math.max(0, ...compiled.map((r) => r.lookbackMs)),
    candidates: candidateIndex(compiled),
  };
}
