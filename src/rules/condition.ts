import { allOf, anyOf, someItem } from './combine.js';
import {
  cidrTest, compareTest, equalsAnyTest, equalsTest, globRegExp, isScalar, patternsTest, regexRegExp, scalarsTest, scalarTest, textTest,
  type RuleIssue, type ValueTest,
} from './matchers.js';

/** A test over every value a field path reached (see fields.ts): ANY value may satisfy it. */
export type ValuesTest = (values: unknown[]) => boolean;
type Path = (string | number)[];

/**
 * A field condition in two forms that always agree: `values` over every value a path reached,
 * `single` over the only value of a path that reaches at most one (undefined: none), so the
 * common fields are tested without building an array per event.
 */
export interface FieldTest {
  values: ValuesTest;
  single: ValueTest;
}

export const OPERATORS = [
  'eq', 'ne', 'in', 'notIn', 'glob', 'regex', 'exists', 'cidr', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith',
] as const;
type Operator = (typeof OPERATORS)[number];

const present = (v: unknown) => v !== null && v !== undefined;
const anyPresent = someItem(present);
const absent: FieldTest = { values: (values) => !anyPresent(values), single: (v) => !present(v) };
const exists: FieldTest = { values: anyPresent, single: present };
// Value tests never hold for undefined, but the guard makes "no value" one comparison.
const anyValue = (test: ValueTest): FieldTest => ({ values: someItem(test), single: (v) => v !== undefined && test(v) });
const not = ({ values, single }: FieldTest): FieldTest => ({ values: (vs) => !values(vs), single: (v) => !single(v) });
const combine = (tests: FieldTest[], how: typeof allOf): FieldTest =>
  tests.length === 1 ? tests[0] : { values: how(tests.map((t) => t.values)), single: how(tests.map((t) => t.single)) };

/** Compiles the condition given for one field; problems are pushed to `issues`. */
export function compileFieldCondition(spec: unknown, path: Path, issues: RuleIssue[]): FieldTest | undefined {
  if (spec === null) return absent;
  if (isScalar(spec)) return anyValue(scalarTest(spec, false));
  if (Array.isArray(spec)) return compileList(spec, path, issues);
  if (typeof spec === 'object') return compileOperators(spec as Record<string, unknown>, path, issues);
  issues.push({ path, message: `unsupported condition ${JSON.stringify(spec)}` });
  return undefined;
}

function compileList(list: unknown[], path: Path, issues: RuleIssue[]): FieldTest | undefined {
  if (list.length === 0) {
    issues.push({ path, message: 'an empty list matches nothing' });
    return undefined;
  }
  const before = issues.length;
  const scalars: (string | number | boolean)[] = [];
  let withNull = false;
  list.forEach((item, i) => {
    if (item === null) withNull = true;
    else if (isScalar(item)) scalars.push(item);
    else issues.push({ path: [...path, i], message: 'list items must be strings, numbers, booleans or null' });
  });
  if (issues.length > before) return undefined;
  // "Some item matches some value" is "some value matches some item": one pass over the values.
  const tests: FieldTest[] = [];
  if (scalars.length > 0) tests.push(anyValue(scalarsTest(scalars, false)));
  if (withNull) tests.push(absent);
  return combine(tests, anyOf);
}

function compileOperators(ops: Record<string, unknown>, path: Path, issues: RuleIssue[]): FieldTest | undefined {
  const before = issues.length;
  const ignoreCase = ops.ignoreCase ?? false;
  if (typeof ignoreCase !== 'boolean') issues.push({ path: [...path, 'ignoreCase'], message: 'ignoreCase must be true or false' });
  const keys = Object.keys(ops).filter((k) => k !== 'ignoreCase');
  if (keys.length === 0) issues.push({ path, message: `no operator given (operators: ${OPERATORS.join(', ')})` });
  const tests: FieldTest[] = [];
  for (const key of keys) {
    if (!(OPERATORS as readonly string[]).includes(key)) {
      issues.push({ path: [...path, key], message: `unknown operator "${key}" (operators: ${OPERATORS.join(', ')})` });
      continue;
    }
    const test = compileOperator(key as Operator, ops[key], ignoreCase === true, [...path, key], issues);
    if (test) tests.push(test);
  }
  if (issues.length > before) return undefined;
  return combine(tests, allOf);
}

function compileOperator(op: Operator, arg: unknown, ic: boolean, path: Path, issues: RuleIssue[]): FieldTest | undefined {
  const fail = (message: string) => void issues.push({ path, message });
  switch (op) {
    case 'eq':
    case 'ne': {
      if (arg !== null && !isScalar(arg)) return fail(`${op} takes a string, number, boolean or null`);
      const test = arg === null ? absent : anyValue(equalsTest(arg, ic));
      return op === 'eq' ? test : not(test);
    }
    case 'in':
    case 'notIn': {
      const items = Array.isArray(arg) ? arg : [arg];
      if (items.length === 0 || !items.every(isScalar)) return fail(`${op} takes a non-empty list of strings, numbers or booleans`);
      const one = equalsAnyTest(items, ic);
      return op === 'in' ? anyValue(one) : not(anyValue(one));
    }
    case 'glob':
    case 'contains':
    case 'startsWith': {
      const items = stringList(arg);
      if (!items) return fail(`${op} takes a string or a list of strings`);
      return anyValue(op === 'glob' ? patternsTest(items.map((s) => globRegExp(s, ic))) : anyOf(items.map((s) => textTest(op, s, ic))));
    }
    case 'regex': {
      const items = stringList(arg);
      if (!items) return fail('regex takes a string or a list of strings');
      const res: RegExp[] = [];
      for (const item of items) {
        const re = regexRegExp(item, ic);
        if (typeof re === 'string') return fail(re);
        res.push(re);
      }
      return anyValue(patternsTest(res));
    }
    case 'cidr': {
      const items = stringList(arg);
      if (!items) return fail('cidr takes a string or a list of strings');
      const test = cidrTest(items);
      return typeof test === 'string' ? fail(test) : anyValue(test);
    }
    case 'exists':
      if (typeof arg !== 'boolean') return fail('exists takes true or false');
      return arg ? exists : absent;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (!(typeof arg === 'number' && Number.isFinite(arg)) && typeof arg !== 'string') return fail(`${op} takes a number or a string`);
      return anyValue(compareTest(op, arg));
  }
}

function stringList(arg: unknown): string[] | undefined {
  const items = Array.isArray(arg) ? arg : [arg];
  return items.length > 0 && items.every((s) => typeof s === 'string') ? (items as string[]) : undefined;
}
