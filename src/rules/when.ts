import { compileFieldCondition, type ValuesTest } from './condition.js';
import { checkFieldPath, fieldReader } from './fields.js';
import { isGlob, type RuleIssue } from './matchers.js';

/** A compiled `when`: a plain function of the event. */
export type Predicate = (event: unknown) => boolean;

export interface CompiledWhen {
  test: Predicate;
  /** Exact event names the condition requires, when it pins `name`; used to index rules. */
  names?: string[];
}

const COMBINATORS = new Set(['any', 'all', 'not']);
const always: Predicate = () => true;

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
  for (const [key, value] of Object.entries(spec as Record<string, unknown>)) {
    const part = COMBINATORS.has(key) ? compileCombinator(key, value, [...path, key], issues) : compileField(key, value, [...path, key], issues);
    if (part) parts.push(part);
  }
  if (issues.length > before) return undefined;
  const test: Predicate = parts.length === 0 ? always : parts.length === 1 ? parts[0] : (e) => parts.every((p) => p(e));
  return { test, names: pinnedNames((spec as Record<string, unknown>).name) };
}

function compileField(field: string, value: unknown, path: (string | number)[], issues: RuleIssue[]): Predicate | undefined {
  const problem = checkFieldPath(field);
  if (problem) {
    issues.push({ path, message: problem });
    return undefined;
  }
  const test: ValuesTest | undefined = compileFieldCondition(value, path, issues);
  if (!test) return undefined;
  const read = fieldReader(field);
  return (event) => test(read(event));
}

function compileCombinator(key: string, value: unknown, path: (string | number)[], issues: RuleIssue[]): Predicate | undefined {
  if (key === 'not') {
    const inner = compileWhen(value, path, issues);
    return inner && ((e) => !inner.test(e));
  }
  if (!Array.isArray(value) || value.length === 0) {
    issues.push({ path, message: `${key} takes a non-empty list of conditions` });
    return undefined;
  }
  const inner = value.map((item, i) => compileWhen(item, [...path, i], issues));
  if (inner.some((c) => !c)) return undefined;
  const tests = inner.map((c) => c!.test);
  return key === 'any' ? (e) => tests.some((t) => t(e)) : (e) => tests.every((t) => t(e));
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
