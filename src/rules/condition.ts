import {
  cidrTest, compareTest, equalsTest, globTest, isScalar, regexTest, scalarTest, textTest,
  type RuleIssue, type ValueTest,
} from './matchers.js';

/** A test over every value a field path reached (see fields.ts): ANY value may satisfy it. */
export type ValuesTest = (values: unknown[]) => boolean;
type Path = (string | number)[];

export const OPERATORS = [
  'eq', 'ne', 'in', 'notIn', 'glob', 'regex', 'exists', 'cidr', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith',
] as const;
type Operator = (typeof OPERATORS)[number];

const present = (v: unknown) => v !== null && v !== undefined;
const absent: ValuesTest = (values) => !values.some(present);
const anyOf = (test: ValueTest): ValuesTest => (values) => values.some(test);
const noneOf = (test: ValueTest): ValuesTest => (values) => !values.some(test);

/** Compiles the condition given for one field; problems are pushed to `issues`. */
export function compileFieldCondition(spec: unknown, path: Path, issues: RuleIssue[]): ValuesTest | undefined {
  if (spec === null) return absent;
  if (isScalar(spec)) return anyOf(scalarTest(spec, false));
  if (Array.isArray(spec)) return compileList(spec, path, issues);
  if (typeof spec === 'object') return compileOperators(spec as Record<string, unknown>, path, issues);
  issues.push({ path, message: `unsupported condition ${JSON.stringify(spec)}` });
  return undefined;
}

function compileList(list: unknown[], path: Path, issues: RuleIssue[]): ValuesTest | undefined {
  if (list.length === 0) {
    issues.push({ path, message: 'an empty list matches nothing' });
    return undefined;
  }
  const tests: ValuesTest[] = [];
  list.forEach((item, i) => {
    if (item === null) tests.push(absent);
    else if (isScalar(item)) tests.push(anyOf(scalarTest(item, false)));
    else issues.push({ path: [...path, i], message: 'list items must be strings, numbers, booleans or null' });
  });
  return tests.length === list.length ? (values) => tests.some((t) => t(values)) : undefined;
}

function compileOperators(ops: Record<string, unknown>, path: Path, issues: RuleIssue[]): ValuesTest | undefined {
  const before = issues.length;
  const ignoreCase = ops.ignoreCase ?? false;
  if (typeof ignoreCase !== 'boolean') issues.push({ path: [...path, 'ignoreCase'], message: 'ignoreCase must be true or false' });
  const keys = Object.keys(ops).filter((k) => k !== 'ignoreCase');
  if (keys.length === 0) issues.push({ path, message: `no operator given (operators: ${OPERATORS.join(', ')})` });
  const tests: ValuesTest[] = [];
  for (const key of keys) {
    if (!(OPERATORS as readonly string[]).includes(key)) {
      issues.push({ path: [...path, key], message: `unknown operator "${key}" (operators: ${OPERATORS.join(', ')})` });
      continue;
    }
    const test = compileOperator(key as Operator, ops[key], ignoreCase === true, [...path, key], issues);
    if (test) tests.push(test);
  }
  if (issues.length > before) return undefined;
  return tests.length === 1 ? tests[0] : (values) => tests.every((t) => t(values));
}

function compileOperator(op: Operator, arg: unknown, ic: boolean, path: Path, issues: RuleIssue[]): ValuesTest | undefined {
  const fail = (message: string) => void issues.push({ path, message });
  switch (op) {
    case 'eq':
    case 'ne': {
      if (arg !== null && !isScalar(arg)) return fail(`${op} takes a string, number, boolean or null`);
      const test: ValuesTest = arg === null ? absent : anyOf(equalsTest(arg, ic));
      return op === 'eq' ? test : (values) => !test(values);
    }
    case 'in':
    case 'notIn': {
      const items = Array.isArray(arg) ? arg : [arg];
      if (items.length === 0 || !items.every(isScalar)) return fail(`${op} takes a non-empty list of strings, numbers or booleans`);
      const tests = items.map((item) => equalsTest(item, ic));
      const one: ValueTest = (v) => tests.some((t) => t(v));
      return op === 'in' ? anyOf(one) : noneOf(one);
    }
    case 'glob':
    case 'contains':
    case 'startsWith': {
      const items = stringList(arg);
      if (!items) return fail(`${op} takes a string or a list of strings`);
      const tests = items.map((s) => (op === 'glob' ? globTest(s, ic) : textTest(op, s, ic)));
      return anyOf((v) => tests.some((t) => t(v)));
    }
    case 'regex': {
      const items = stringList(arg);
      if (!items) return fail('regex takes a string or a list of strings');
      const tests: ValueTest[] = [];
      for (const item of items) {
        const test = regexTest(item, ic);
        if (typeof test === 'string') return fail(test);
        tests.push(test);
      }
      return anyOf((v) => tests.some((t) => t(v)));
    }
    case 'cidr': {
      const items = stringList(arg);
      if (!items) return fail('cidr takes a string or a list of strings');
      const test = cidrTest(items);
      return typeof test === 'string' ? fail(test) : anyOf(test);
    }
    case 'exists':
      if (typeof arg !== 'boolean') return fail('exists takes true or false');
      return arg ? (values) => values.some(present) : absent;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (!(typeof arg === 'number' && Number.isFinite(arg)) && typeof arg !== 'string') return fail(`${op} takes a number or a string`);
      return anyOf(compareTest(op, arg));
  }
}

function stringList(arg: unknown): string[] | undefined {
  const items = Array.isArray(arg) ? arg : [arg];
  return items.length > 0 && items.every((s) => typeof s === 'string') ? (items as string[]) : undefined;
}
