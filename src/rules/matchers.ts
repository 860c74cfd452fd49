import { BlockList, isIP } from 'node:net';
import picomatch from 'picomatch';
import { anyOf } from './combine.js';
import { regexProblem } from './regex-safety.js';

/** One problem in a rule, with its path below the rule (`['when', 'sourceIp', 'cidr']`). */
export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

export type ValueTest = (value: unknown) => boolean;

export function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

export function isGlob(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/**
 * Scalars compare as text when their types differ, so `raw.errorCode: 0` matches the string
 * "0" that CloudAudit records. Same-type values compare strictly.
 */
export function equalsTest(expected: string | number | boolean, ignoreCase: boolean): ValueTest {
  const text = String(expected);
  const folded = text.toLowerCase();
  return (value) => {
    if (!isScalar(value)) return false;
    if (value === expected) return true;
    const actual = String(value);
    if (ignoreCase) return actual.toLowerCase() === folded;
    return typeof value !== typeof expected && actual === text;
  };
}

/**
 * `equalsTest` for any of several items, with set lookups instead of one test per item: long
 * action-name lists are tested against every event.
 */
export function equalsAnyTest(items: (string | number | boolean)[], ignoreCase: boolean): ValueTest {
  if (items.length < 3) return anyOf(items.map((item) => equalsTest(item, ignoreCase)));
  if (ignoreCase) {
    // Equal values have equal text, so folded text alone decides.
    const folded = new Set(items.map((item) => String(item).toLowerCase()));
    return (value) => isScalar(value) && folded.has(String(value).toLowerCase());
  }
  const same = new Set(items);
  // Per type of the value, the text of the items of the other types.
  const otherText = (type: string) => new Set(items.filter((item) => typeof item !== type).map(String));
  const texts: Record<string, Set<string>> = { string: otherText('string'), number: otherText('number'), boolean: otherText('boolean') };
  return (value) => {
    if (!isScalar(value)) return false;
    // Set lookup is SameValueZero, where NaN equals NaN; with === it equals nothing.
    if (value === value && same.has(value)) return true;
    const other = texts[typeof value];
    return other.size > 0 && other.has(String(value));
  };
}

/**
 * Picomatch with bash semantics so `*` also crosses `/` (resource names are often paths),
 * dot-files are not special, and the dotAll flag so a newline cannot hide a match.
 */
export function globRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const re = picomatch.makeRe(pattern, { bash: true, dot: true, nocase: ignoreCase, windows: false });
  return new RegExp(re.source, re.flags.includes('s') ? re.flags : `${re.flags}s`);
}

/** A rule regex, or what is wrong with it: invalid, or able to hang the engine (regex-safety.ts). */
export function regexRegExp(pattern: string, ignoreCase: boolean): RegExp | string {
  let re: RegExp;
  try {
    re = new RegExp(pattern, ignoreCase ? 'i' : '');
  } catch (err) {
    return `invalid regex ${JSON.stringify(pattern)}: ${(err as Error).message}`;
  }
  return regexProblem(pattern, ignoreCase) ?? re;
}

/** Any of the patterns finds a match in the value's text; the text is made once, not per pattern. */
export function patternsTest(patterns: RegExp[]): ValueTest {
  // Neither builder sets `g` or `y`, so `test` keeps no state between values.
  if (patterns.length === 1) {
    const re = patterns[0];
    return (value) => isScalar(value) && re.test(String(value));
  }
  return (value) => {
    if (!isScalar(value)) return false;
    const text = String(value);
    for (let i = 0; i < patterns.length; i++) if (patterns[i].test(text)) return true;
    return false;
  };
}

/** IPv4 and IPv6 ranges; a bare address means that one address. Errors come back as text. */
export function cidrTest(ranges: string[]): ValueTest | string {
  const list = new BlockList();
  for (const range of ranges) {
    const [address, prefixText, extra] = range.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (family === 0 || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
      return `invalid CIDR ${JSON.stringify(range)}`;
    }
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return (value) => {
    if (typeof value !== 'string') return false;
    const family = isIP(value);
    return family !== 0 && list.check(value, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/** Numbers compare numerically; strings (ISO times) compare as text. */
export function compareTest(op: 'gt' | 'gte' | 'lt' | 'lte', bound: number | string): ValueTest {
  const ok = (diff: number) => (op === 'gt' ? diff > 0 : op === 'gte' ? diff >= 0 : op === 'lt' ? diff < 0 : diff <= 0);
  if (typeof bound === 'number') {
    return (value) => {
      if (value === null || value === '' || !isScalar(value) || typeof value === 'boolean') return false;
      const n = Number(value);
      return Number.isFinite(n) && ok(n - bound);
    };
  }
  return (value) => typeof value === 'string' && ok(value < bound ? -1 : value > bound ? 1 : 0);
}

export function textTest(op: 'contains' | 'startsWith', needle: string, ignoreCase: boolean): ValueTest {
  const want = ignoreCase ? needle.toLowerCase() : needle;
  return (value) => {
    if (!isScalar(value)) return false;
    const text = ignoreCase ? String(value).toLowerCase() : String(value);
    return op === 'contains' ? text.includes(want) : text.startsWith(want);
  };
}

/** A scalar pattern: a glob when it has `*` or `?`, otherwise equality. */
export function scalarTest(expected: string | number | boolean, ignoreCase: boolean): ValueTest {
  return scalarsTest([expected], ignoreCase);
}

/** Any of the scalar patterns; the globs share one conversion of the value to text. */
export function scalarsTest(items: (string | number | boolean)[], ignoreCase: boolean): ValueTest {
  const globs: RegExp[] = [];
  const exact: (string | number | boolean)[] = [];
  for (const item of items) {
    if (typeof item === 'string' && isGlob(item)) globs.push(globRegExp(item, ignoreCase));
    else exact.push(item);
  }
  const tests: ValueTest[] = [];
  if (exact.length > 0) tests.push(equalsAnyTest(exact, ignoreCase));
  if (globs.length > 0) tests.push(patternsTest(globs));
  return anyOf(tests);
}
