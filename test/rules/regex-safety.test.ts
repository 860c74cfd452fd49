import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { AuditError } from '../../src/errors.js';
import { BUILTIN_RULES } from '../../src/rules/builtin/index.js';
import type { RuleIssue } from '../../src/rules/matchers.js';
import { regexProblem } from '../../src/rules/regex-safety.js';
import { compileWhen } from '../../src/rules/when.js';
import { ev, ruleIssues } from './helpers.js';

const NESTED = 'rewrite it without a repeated group that repeats inside';
const ALTERNATIVES = 'rewrite it so that no two alternatives of a repeated group can start alike';
const ROW = 'anchor it with ^, or give the quantifiers narrower classes such as [^/]*';

describe('regex: patterns that can hang the engine are rejected, naming the path', () => {
  it.each([
    // exponential: a repeated group that repeats inside
    ['(a+)+$', `exponential time (nested quantifier in "(a+)+"); ${NESTED}`],
    ['(a*)*', `exponential time (nested quantifier in "(a*)*"); ${NESTED}`],
    ['(\\w+\\s?)*', `exponential time (nested quantifier in "(\\w+\\s?)*"); ${NESTED}`],
    ['^x((a+)+)+y', `exponential time (nested quantifier in "(a+)+"); ${NESTED}`],
    ['(a?)+b', `exponential time (nested quantifier in "(a?)+"); ${NESTED}`],
    ['x(?:.*y){2}', `exponential time (nested quantifier in "(?:.*y){2}"); ${NESTED}`],
    ['(?:(?=\\w+@).)*', `exponential time (nested quantifier in "(?:(?=\\w+@).)*"); ${NESTED}`],
    // exponential: alternatives of a repeated group that can start alike
    ['(a|aa)+', `exponential time (alternatives that can match the same text in "(a|aa)+"); ${ALTERNATIVES}`],
    ['(?:a|ab)*c', `exponential time (alternatives that can match the same text in "(?:a|ab)*"); ${ALTERNATIVES}`],
    ['(\\w|\\d)+$', `exponential time (alternatives that can match the same text in "(\\w|\\d)+"); ${ALTERNATIVES}`],
    ['(?:\\.|[^"])*"', `exponential time (alternatives that can match the same text in "(?:\\.|[^"])*"); ${ALTERNATIVES}`],
    ['(?:x|X)+y', `exponential time (alternatives that can match the same text in "(?:x|X)+"); ${ALTERNATIVES}`, true],
    // polynomial of degree 3 or more: a row of quantifiers over the same characters
    ['.*.*x', `polynomial time on long text (quantifiers over the same characters in ".*.*"); ${ROW}`],
    ['a.*b.*c', `polynomial time on long text (quantifiers over the same characters in ".*b.*"); ${ROW}`],
    ['Delete.*prod.*bucket', `polynomial time on long text (quantifiers over the same characters in ".*prod.*"); ${ROW}`],
    ['a+a+$', `polynomial time on long text (quantifiers over the same characters in "a+a+"); ${ROW}`],
    ['\\w+\\s?\\w+$', `polynomial time on long text (quantifiers over the same characters in "\\w+\\s?\\w+"); ${ROW}`],
    ['^a.*b.*c.*d', 'polynomial time on long text (quantifiers over the same characters in ".*b.*c.*"); give the quantifiers narrower classes such as [^/]*'],
    ['(?:x.*y.*z)?', `polynomial time on long text (quantifiers over the same characters in ".*y.*"); ${ROW}`],
    ['(a.*)(b.*)c', `polynomial time on long text (".*" and ".*" over the same characters); ${ROW}`],
    ['(?=.*a.*b)x', `polynomial time on long text (quantifiers over the same characters in ".*a.*"); ${ROW}`],
  ])('%s', (pattern, message, ignoreCase = false) => {
    expect(ruleIssues({ id: 'r', when: { name: { regex: pattern, ignoreCase } } })).toEqual([`when.name.regex: pattern may take ${message}`]);
  });

  it('through the config, led by the rule path', () => {
    const yaml = 'rules:\n  - id: r\n    when: { name: { regex: "(a+)+$" } }\n';
    let issues: string[] = [];
    try {
      parseConfig(yaml, {}, 'audit.yaml');
    } catch (err) {
      expect((err as AuditError).code).toBe('E_CONFIG');
      issues = (err as AuditError).issues;
    }
    expect(issues).toEqual([
      'rules[0].when.name.regex: pattern may take exponential time (nested quantifier in "(a+)+"); rewrite it without a repeated group that repeats inside',
    ]);
  });

  it('groups nested past 100 deep are refused, not a stack overflow', () => {
    const nest = (depth: number) => `${'(?:'.repeat(depth)}a${')'.repeat(depth)}`;
    expect(ruleIssues({ id: 'r', when: { name: { regex: nest(100) } } })).toEqual([]);
    expect(ruleIssues({ id: 'r', when: { name: { regex: nest(5000) } } })).toEqual([
      'when.name.regex: pattern is too complex to check (groups nested more than 100 deep); simplify it',
    ]);
  });

  it('long patterns are looked at in one pass, and long parts are shortened in the message', () => {
    expect(ruleIssues({ id: 'r', when: { name: { regex: `^${'[^x]*x'.repeat(3000)}` } } })).toEqual([]);
    expect(ruleIssues({ id: 'r', when: { name: { regex: '^(?:x.*y.*z)?$' } } })).toEqual([]);
    expect(ruleIssues({ id: 'r', when: { name: { regex: '.*x'.repeat(3000) } } })).toEqual([
      `when.name.regex: pattern may take polynomial time on long text (quantifiers over the same characters in ".*x.*"); ${ROW}`,
    ]);
    const names = Array.from({ length: 300 }, (_, i) => `Action${i}`).join('|');
    expect(ruleIssues({ id: 'r', when: { name: { regex: `(?:${names})+` } } })).toEqual([
      `when.name.regex: pattern may take exponential time (alternatives that can match the same text in "${`(?:${names}`.slice(0, 57)}..."); ${ALTERNATIVES}`,
    ]);
  });

  it('one bad pattern in a list rejects the condition', () => {
    expect(ruleIssues({ id: 'r', when: { userAgent: { regex: ['^curl/', '(a|aa)+'] } } })).toEqual([
      `when.userAgent.regex: pattern may take exponential time (alternatives that can match the same text in "(a|aa)+"); ${ALTERNATIVES}`,
    ]);
  });
});

/** 10 KB of `unit`, then `tail`. */
const long = (unit: string, tail = '') => unit.repeat(Math.ceil(10_240 / unit.length)).slice(0, 10_240 - tail.length) + tail;

function matches(pattern: string, ignoreCase: boolean, text: string): boolean {
  const issues: RuleIssue[] = [];
  const compiled = compileWhen({ userAgent: { regex: pattern, ignoreCase } }, ['when'], issues);
  expect(issues).toEqual([]);
  return compiled!.test(ev({ userAgent: text }));
}

/**
 * Accepted patterns against 10 KB crafted to make each one work hardest (no match, or a match
 * only at the very end). Nothing is timed here (timing belongs to the benchmarks): a pattern
 * that hung would hang this test, and the answers must stay right.
 */
describe('regex: accepted patterns keep working on long text', () => {
  const accessDenied = (BUILTIN_RULES['access-denied-burst'].spec.when as any).any
    .map((c: any) => c['error.message']?.regex)
    .find(Boolean) as string;

  it.each([
    ['the access-denied-burst pattern', accessDenied, true, long('unauthoriz '), false],
    ['the access-denied-burst pattern, at the end', accessDenied, true, long('unauthoriz ', 'ACCESS DENIED'), true],
    ['one .* between anchors', '^(Modify|Reset).*Password$', false, `Modify${long('Password', '!')}`, false],
    ['one .* between anchors, matching', '^(Modify|Reset).*Password$', false, `Reset${long('x', 'Password')}`, true],
    ['.* around a word', '.*Delete.*', false, long('a'), false],
    ['two .* under ^', '^a.*b.*c', false, long('ab'), false],
    ['bounded repeats split by a separator', '(\\d{1,3}\\.){3}\\d{1,3}', false, long('1234.'), false],
    ['bounded repeats split by a separator, matching', '(\\d{1,3}\\.){3}\\d{1,3}', false, long('1234.', '10.0.0.1'), true],
    ['IPv6-like', '^([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$', false, long('abcd:'), false],
    ['alternatives that start differently', '(Delete|Describe)+Bucket', false, long('DeleteDescribe'), false],
    ['alternatives that start differently, matching', '(Delete|Describe)+Bucket', false, long('DeleteDescribe', 'DescribeBucket'), true],
    ['an escaped-string body', '(?:\\\\.|[^"\\\\])*"$', false, long('\\a'), false],
    ['classes split by a separator', '[a-z]+@[a-z]+\\.com$', false, long('a'), false],
    ['a trailing .*', 'arn:.*:role/.*', false, long('arn:'), false],
    ['spaces around =', '^\\s*\\w+\\s*=\\s*\\w+\\s*$', false, long(' a = a ', '!'), false],
    ['a fixed-size key', 'AKID[A-Za-z0-9]{32}', false, long('AKID'), true],
  ])('%s: %s', (_, pattern, ignoreCase, text, want) => {
    expect(text.length).toBeGreaterThanOrEqual(10_240);
    expect(matches(pattern, ignoreCase, text)).toBe(want);
  });
});

describe('regexProblem: unusual but valid syntax is read, not thrown on', () => {
  it.each([
    '[\\d-z]+', '[]', '[^]*x', 'a{', 'a{,5}', 'x{2,}y', '\\cJ', '\\c', '\\x41\\u0042', '\\0', '\\8', '[\\b\\-\\]]',
    '(?<year>\\d{4})-\\k<year>', '(a)\\1+', '(a)\\2', '(?<=a)b', '(?<!a)b', '(?=a)*b', '\\k', '$^', '(|a)', 'a|',
  ])('%s', (pattern) => {
    expect(() => new RegExp(pattern)).not.toThrow();
    expect(() => regexProblem(pattern, false)).not.toThrow();
    expect(() => regexProblem(pattern, true)).not.toThrow();
  });

  it('the built-in rules still load (each module parses its rule with the rule schema)', () => {
    expect(Object.keys(BUILTIN_RULES)).toContain('access-denied-burst');
  });
});
