import { AuditError } from '../errors.js';
import type { AuditEvent } from '../events/index.js';
import type { Alert, Severity } from './types.js';
import { candidateIndex } from './candidates.js';
import { distinctKey, grouping, type Group } from './group.js';
import type { RuleIssue } from './matchers.js';
import { compileWhen, type Predicate } from './when.js';

/** A rule after loading: defaults applied, overrides merged, durations in milliseconds. */
export interface LoadedRule {
  id: string;
  title: string;
  description?: string;
  severity: Severity;
  enabled: boolean;
  when: unknown;
  summary?: string;
  notify?: string[];
  window?: number;
  count?: { gte?: number; gt?: number };
  spike?: { increase?: number; decrease?: number; minCount: number };
  distinct?: { field: string; gte: number };
  groupBy?: string[];
  suppress?: number;
  /** 'builtin', 'inline', or the rule file's path. */
  origin: string;
  summarize?: (alert: Alert) => string;
}

export type RuleKind = 'event' | 'count' | 'spike' | 'distinct';

export interface CompiledRule {
  /** Position in the rule set; alerts come out in rule order. */
  index: number;
  rule: LoadedRule;
  kind: RuleKind;
  test: Predicate;
  /** Exact event names the rule requires, when its `when` pins `name`. */
  names?: string[];
  /** The rule's top-level `name` condition alone, as a test of the event name. */
  nameTest?: (name: string) => boolean;
  /** Group key: `JSON.stringify` of the groupBy values ('' without groupBy); persisted, so stable. */
  groupKey(event: AuditEvent): string;
  /** The group object for a window group or an alert (null without groupBy). */
  groupObject(event: AuditEvent): Group;
  /** The value a `distinct` rule counts, as a key; undefined when the event has none. */
  distinctOf?(event: AuditEvent): string | undefined;
  windowMs: number;
  /** How much history before the end time the rule looks at (two windows for a spike). */
  lookbackMs: number;
  /** 0 means never suppressed. */
  suppressMs: number;
  /** Aggregate rules: whether the window's numbers make an alert. */
  fires(current: number, previous: number): boolean;
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
  const kind: RuleKind = rule.window === undefined ? 'event' : rule.spike ? 'spike' : rule.distinct ? 'distinct' : 'count';
  const windowMs = rule.window ?? 0;
  const groups = grouping(rule.groupBy ?? []);
  return {
    index,
    rule,
    kind,
    test: when.test,
    names: when.names,
    nameTest: when.nameTest,
    groupKey: groups.key,
    groupObject: groups.group,
    distinctOf: rule.distinct ? distinctKey(rule.distinct.field) : undefined,
    windowMs,
    lookbackMs: kind === 'spike' ? 2 * windowMs : windowMs,
    // Without an explicit period an aggregate rule alerts once per window, so a check run
    // every minute does not report the same burst five times.
    suppressMs: rule.suppress ?? (kind === 'event' ? 0 : windowMs),
    fires: firesFor(rule),
  };
}

function firesFor(rule: LoadedRule): (current: number, previous: number) => boolean {
  const { count, spike, distinct } = rule;
  if (spike?.increase !== undefined) {
    const inc = spike.increase;
    return (cur, prev) => cur >= spike.minCount && (prev === 0 || (cur - prev) / prev > inc);
  }
  if (spike?.decrease !== undefined) {
    const dec = spike.decrease;
    return (cur, prev) => prev >= spike.minCount && (prev - cur) / prev > dec;
  }
  if (distinct) return (cur) => cur >= distinct.gte;
  if (count?.gt !== undefined) return (cur) => cur > count.gt!;
  const gte = count?.gte ?? 1;
  return (cur) => cur >= gte;
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
