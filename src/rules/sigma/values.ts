import { didYouMean } from '../../config/issues.js';
import type { RuleIssue } from '../matchers.js';
import { compileWhen } from '../when.js';
import { nativeField } from './fields.js';
import type { Key, SigmaIssue } from './yaml.js';

/** A native `when` map (see when.ts). */
export type When = Record<string, unknown>;

export const anyWhen = (items: When[]): When => (items.length === 1 ? items[0] : { any: items });
export const allWhen = (items: When[]): When => (items.length === 1 ? items[0] : { all: items });

const MATCHERS = ['contains', 'startswith', 'endswith', 're', 'cidr', 'exists', 'lt', 'lte', 'gt', 'gte'] as const;
type Matcher = (typeof MATCHERS)[number] | 'plain';
const SUPPORTED = [...MATCHERS, 'all', 'cased', 'i'];
/** Sigma's other modifiers, named so that the error says which feature a rule needs. */
const UNSUPPORTED = new Set([
  'base64', 'base64offset', 'utf16', 'utf16le', 'utf16be', 'wide', 'windash', 'expand', 'fieldref',
  'm', 'multiline', 's', 'dotall', 'minute', 'hour', 'day', 'week', 'month', 'year',
]);
const TEXT_MATCHERS = new Set<Matcher>(['plain', 'contains', 'startswith', 'endswith']);

/**
 * Sigma wildcards become a native glob; every other ASCII sign is escaped, since picomatch
 * gives `(`, `[`, `{`, `!`, `+`, `@` meanings a Sigma value never has. `?` becomes a class
 * because picomatch's `?` does not match `/`, and Sigma's matches any one character.
 */
function sigmaText(value: string): { literal: string; glob: string; wild: boolean } {
  let literal = '';
  let glob = '';
  let wild = false;
  const escape = (c: string) => (/[ -/:-@[-`{-~]/.test(c) ? `\\${c}` : c);
  for (let i = 0; i < value.length; i++) {
    let c = value[i];
    if (c === '*' || c === '?') {
      wild = true;
      glob += c === '*' ? '*' : '[\\x00-\\uffff]';
      continue;
    }
    // Sigma's escapes: \* \? and \\ are the character itself; any other backslash is literal.
    if (c === '\\' && '*?\\'.includes(value[i + 1] ?? '')) c = value[++i];
    literal += c;
    glob += escape(c);
  }
  return { literal, glob, wild };
}

const OPS = ['eq', 'contains', 'startsWith', 'glob', 'regex', 'cidr'] as const;
type Match = { op: (typeof OPS)[number]; arg: string | number | boolean };

function textMatch(how: Matcher, value: string | number | boolean): Match {
  if (typeof value !== 'string') {
    if (how === 'plain') return { op: 'eq', arg: value };
    value = String(value);
  }
  const { literal, glob, wild } = sigmaText(value);
  if (!wild && how === 'plain') return { op: 'eq', arg: literal };
  if (!wild && how === 'contains') return { op: 'contains', arg: literal };
  if (!wild && how === 'startswith') return { op: 'startsWith', arg: literal };
  const pattern = how === 'plain' ? glob : how === 'contains' ? `*${glob}*` : how === 'startswith' ? `${glob}*` : `*${glob}`;
  return { op: 'glob', arg: pattern };
}

interface Modifiers {
  how: Matcher;
  all: boolean;
  ignoreCase: boolean;
}

function parseModifiers(mods: string[], fail: (message: string) => void): Modifiers {
  let how: Matcher = 'plain';
  let all = false;
  let cased = false;
  let reCase = false;
  for (const mod of mods) {
    if (UNSUPPORTED.has(mod)) fail(`modifier "${mod}" is not supported (supported: ${SUPPORTED.join(', ')})`);
    else if ((MATCHERS as readonly string[]).includes(mod)) {
      if (how !== 'plain') fail(`modifiers "${how}" and "${mod}" cannot be combined`);
      else how = mod as Matcher;
    } else if (mod === 'all') all = true;
    else if (mod === 'cased') cased = true;
    else if (mod === 'i' || mod === 'ignorecase') {
      if (how === 're') reCase = true;
      else fail(`modifier "${mod}" only follows "re"`);
    } else {
      const hint = didYouMean(mod, SUPPORTED);
      fail(`unknown modifier "${mod}" (${hint ? `did you mean "${hint}"?` : `supported: ${SUPPORTED.join(', ')}`})`);
    }
  }
  if (cased && !TEXT_MATCHERS.has(how)) fail(`modifier "cased" does not apply to "${how}"`);
  if (all && how === 'exists') fail('modifier "all" does not apply to "exists"');
  // Sigma compares text case-insensitively, except with `cased`; its regexes are case-sensitive.
  return { how, all, ignoreCase: how === 're' ? reCase : TEXT_MATCHERS.has(how) && !cased };
}

/** One `field|modifier|...: value` entry of a selection, as a native condition. */
export function selectionEntry(key: string, value: unknown, path: Key[], issues: SigmaIssue[]): When | undefined {
  const before = issues.length;
  const fail = (message: string, at: Key[] = path, onKey = true) => void issues.push({ path: at, message, onKey });
  const [field, ...mods] = key.split('|');
  const mapped = field === '' ? { problem: 'keyword search (a value without a field name) is not supported' } : nativeField(field);
  if ('problem' in mapped) fail(mapped.problem);
  const { how, all, ignoreCase } = parseModifiers(mods, (m) => fail(m));
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) fail('an empty list matches nothing', path, false);
  if (issues.length > before || 'problem' in mapped) return undefined;

  const f = mapped.path;
  const parts: When[] = [];
  const matches: Match[] = [];
  values.forEach((v, i) => {
    const at = Array.isArray(value) ? [...path, i] : path;
    const part = valueCondition(how, v, (m) => fail(m, at, false));
    if (part === undefined) return;
    const problems: RuleIssue[] = [];
    const condition = 'op' in part ? withCase({ [part.op]: part.arg }, ignoreCase) : part.condition;
    compileWhen({ [f]: condition }, [], problems);
    if (problems.length > 0) fail(problems[0].message, at, false);
    else if ('op' in part && !all) matches.push(part);
    else parts.push({ [f]: condition });
  });
  if (issues.length > before) return undefined;
  // Equal operators gather into one condition each: `in` is one set lookup per event.
  for (const op of OPS) {
    const args = matches.filter((m) => m.op === op).map((m) => m.arg);
    if (args.length === 0) continue;
    const condition = op === 'eq' ? (args.length === 1 ? { eq: args[0] } : { in: args }) : { [op]: args.length === 1 ? args[0] : args };
    parts.push({ [f]: withCase(condition, ignoreCase) });
  }
  return all ? allWhen(parts) : anyWhen(parts);
}

const withCase = (condition: When, ignoreCase: boolean): When => (ignoreCase ? { ...condition, ignoreCase: true } : condition);

/** One value under a matcher: a text match, or a whole native condition; undefined after `fail`. */
function valueCondition(how: Matcher, v: unknown, fail: (m: string) => undefined): Match | { condition: unknown } | undefined {
  if (v === null) return how === 'plain' ? { condition: null } : fail(`null cannot take the modifier "${how}"`);
  if (typeof v === 'object') return fail('expected a string, a number, a boolean or null (a nested map is not a Sigma value)');
  if (how === 'exists') return typeof v === 'boolean' ? { condition: { exists: v } } : fail('exists takes true or false');
  if (how === 'lt' || how === 'lte' || how === 'gt' || how === 'gte') {
    return typeof v === 'number' ? { condition: { [how]: v } } : fail(`${how} takes a number`);
  }
  if (how === 're' || how === 'cidr') return typeof v === 'string' ? { op: how === 're' ? 'regex' : 'cidr', arg: v } : fail(`${how} takes a string`);
  return textMatch(how, v as string | number | boolean);
}
