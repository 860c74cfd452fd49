import { BlockList, isIP } from 'node:net';
import picomatch from 'picomatch';

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
 * Picomatch with bash semantics so `*` also crosses `/` (resource names are often paths),
 * dot-files are not special, and the dotAll flag so a newline cannot hide a match.
 */
export function globTest(pattern: string, ignoreCase: boolean): ValueTest {
  const re = picomatch.makeRe(pattern, { bash: true, dot: true, nocase: ignoreCase, windows: false });
  const full = new RegExp(re.source, re.flags.includes('s') ? re.flags : `${re.flags}s`);
  return (value) => isScalar(value) && full.test(String(value));
}

export function regexTest(pattern: string, ignoreCase: boolean): ValueTest | string {
  try {
    const re = new RegExp(pattern, ignoreCase ? 'i' : '');
    return (value) => isScalar(value) && re.test(String(value));
  } catch (err) {
    return `invalid regex ${JSON.stringify(pattern)}: ${(err as Error).message}`;
  }
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
  return typeof expected === 'string' && isGlob(expected) ? globTest(expected, ignoreCase) : equalsTest(expected, ignoreCase);
}
