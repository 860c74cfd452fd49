import { allOf, anyOf } from './combine.js';
import { compileFieldCondition, type FieldTest } from './condition.js';
import { checkFieldPath, fieldReader, GENERAL, singleReader } from './fields.js';
import { isGlob, type RuleIssue, type ValueTest } from './matchers.js';

/** A compiled `when`: a plain function of the event. */
export type Predicate = (event: unknown) => boolean;

export interface CompiledWhen {
  test: Predicate;
  /** Exact event names the condition requires, when it pins `name`; used to index rules. */
  names?: string[];
  /**
   * The top-level `name` condition on its own, as a test of the event name: it depends on
   * nothing else, so the rule set decides it once per distinct name.
   */
  nameTest?: (name: string) => boolean;
}

const COMBINATORS = new Set(['any', 'all', 'not']);

/**
 * Sigma-style selection map: every key must hold. Keys are field paths, or `any` / `all`
 * (lists of maps) and `not` (one map). Returns undefined when `issues` gained entries.
 */
export function compileWhen(spec: unknown, path: (string | number)[], issues: RuleIssue[]): CompiledWhen | undefined {
  const before = issues.length;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    issues.push({ path, message: 'expected a map of field: condition' });
    return undefined;
  }
  const parts: Predicate[] = [];
  let nameTest: ValueTest | undefined;
  for (const [key, value] of Object.entries(spec as Record<string, unknown>)) {
    if (COMBINATORS.has(key)) {
      const part = compileCombinator(key, value, [...path, key], issues);
      if (part) parts.push(part);
      continue;
    }
    const field = compileField(key, value, [...path, key], issues);
    if (!field) continue;
    parts.push(field.test);
    if (key === 'name') nameTest = field.single;
  }
  if (issues.length > before) return undefined;
  return { test: allOf(parts), names: pinnedNames((spec as Record<string, unknown>).name), nameTest };
}

function compileField(field: string, value: unknown, path: (string | number)[], issues: RuleIssue[]): FieldTest & { test: Predicate } | undefined {
  const problem = checkFieldPath(field);
  if (problem) {
    issues.push({ path, message: problem });
    return undefined;
  }
  const condition = compileFieldCondition(value, path, issues);
  return condition && { ...condition, test: fieldPredicate(field, condition) };
}

function fieldPredicate(field: string, { values, single }: FieldTest): Predicate {
  const read = fieldReader(field);
  const one = singleReader(field);
  if (!one) return (event) => values(read(event));
  return (event) => {
    const value = one(event);
    return value === GENERAL ? values(read(event)) : single(value);
  };
}

function compileCombinator(key: string, value: unknown, path: (string | number)[], issues: RuleIssue[]): Predicate | undefined {
  if (key === 'not') {
    const inner = compileWhen(value, path, issues);
    if (!inner) return undefined;
    const test = inner.test;
    return (e) => !test(e);
  }
  if (!Array.isArray(value) || value.length === 0) {
    issues.push({ path, message: `${key} takes a non-empty list of conditions` });
    return undefined;
  }
  const inner = value.map((item, i) => compileWhen(item, [...path, i], issues));
  if (inner.some((c) => !c)) return undefined;
  const tests = inner.map((c) => c!.test);
  return key === 'any' ? anyOf(tests) : allOf(tests);
}

/** Only case-sensitive exact values pin a name; globs and other operators do not. */
function pinnedNames(spec: unknown): string[] | undefined {
  const exact = (v: unknown): v is string => typeof v === 'string' && !isGlob(v);
  if (exact(spec)) return [spec];
  if (Array.isArray(spec)) return spec.length > 0 && spec.every(exact) ? spec : undefined;
  if (spec === null || typeof spec !== 'object') return undefined;
  const ops = spec as Record<string, unknown>;
  if (ops.ignoreCase === true) return undefined;
  if (typeof ops.eq === 'string') return [ops.eq];
  if (Array.isArray(ops.in) && ops.in.length > 0 && ops.in.every((v) => typeof v === 'string')) return ops.in as string[];
  return undefined;
}
