import { describe, expect, it } from 'vitest';
import { MAX_MEMO_NAMES } from '../../src/rules/candidates.js';
import { compileRules } from '../../src/rules/compile.js';
import { createEngine } from '../../src/rules/engine.js';
import { ev, rule } from './helpers.js';

const RULES = [
  rule({ id: 'glob', when: { name: 'Delete*' } }),
  rule({ id: 'list', when: { name: ['Remove*', 'PutBucket'], error: null } }),
  rule({ id: 'regex', when: { name: { regex: '^(Modify|Reset).*Password$' } } }),
  rule({ id: 'ci', when: { name: { eq: 'consolelogin', ignoreCase: true } } }),
  rule({ id: 'ne', when: { name: { ne: 'ConsoleLogin' }, 'actor.type': 'Root' } }),
  rule({ id: 'not-in', when: { name: { notIn: ['A', 'B', 'C'] }, readOnly: false } }),
  rule({ id: 'exact', when: { name: 'DeleteBucket' } }),
  rule({ id: 'any', when: { any: [{ name: 'X' }, { 'actor.name': 'bob' }] } }),
  rule({ id: 'null', when: { name: null } }),
];
const ALL = RULES.map((r) => r.id);

describe('candidates: name conditions decided once per name', () => {
  it.each([
    ['DeleteBucket', ['glob', 'ne', 'not-in', 'exact', 'any']],
    ['DeleteObject', ['glob', 'ne', 'not-in', 'any']],
    ['UndeleteBucket', ['ne', 'not-in', 'any']],
    ['RemoveUser', ['list', 'ne', 'not-in', 'any']],
    ['PutBucket', ['list', 'ne', 'not-in', 'any']],
    ['ResetUserPassword', ['regex', 'ne', 'not-in', 'any']],
    ['ConsoleLogin', ['ci', 'not-in', 'any']],
    ['CONSOLELOGIN', ['ci', 'ne', 'not-in', 'any']],
    ['A', ['ne', 'any']],
    ['', ['ne', 'not-in', 'any']],
  ])('%s', (name, want) => {
    const rs = compileRules(RULES);
    expect(rs.candidates(name).map((r) => r.rule.id)).toEqual(want);
    // The second call answers from the memo, with the same list.
    expect(rs.candidates(name)).toBe(rs.candidates(name));
  });

  it('a name that is not text gets every rule that could match, and they decide', () => {
    const rs = compileRules(RULES);
    expect(rs.candidates(undefined as never).map((r) => r.rule.id)).toEqual(ALL.filter((id) => id !== 'exact'));
    const engine = createEngine(rs, { now: () => new Date() });
    expect(engine.matches({ ...ev({ actor: { type: 'Root' } }), name: undefined as never })).toEqual(['ne', 'null']);
  });

  it('matches stay right for names past the memo bound', () => {
    const rs = compileRules(RULES);
    const engine = createEngine(rs, { now: () => new Date() });
    const root = { actor: { type: 'Root' }, readOnly: false } as const;
    const expected = (name: string) =>
      [
        name.startsWith('Delete') && 'glob',
        /^(Modify|Reset).*Password$/.test(name) && 'regex',
        name.toLowerCase() === 'consolelogin' && 'ci',
        name !== 'ConsoleLogin' && 'ne',
        'not-in',
        name === 'DeleteBucket' && 'exact',
      ].filter(Boolean);
    for (let i = 0; i < MAX_MEMO_NAMES + 300; i++) {
      const name = i % 3 === 0 ? `Delete${i}` : `Describe${i}`;
      expect(engine.matches(ev({ name, ...root }))).toEqual(expected(name));
    }
    // Seen before the bound (memo) and after it (index): both answer right.
    for (const name of ['Delete0', 'Describe1', 'DeleteBucket', 'DeleteFresh', 'ConsoleLogin', 'ResetPassword']) {
      expect(engine.matches(ev({ name, ...root }))).toEqual(expected(name));
    }
  });

  it('rules without a name condition are candidates for every name, in rule order', () => {
    const rs = compileRules([
      rule({ id: 'first', when: { 'actor.type': 'Root' } }),
      rule({ id: 'named', when: { name: 'A*' } }),
      rule({ id: 'last', when: {} }),
    ]);
    expect(rs.candidates('Abc').map((r) => r.rule.id)).toEqual(['first', 'named', 'last']);
    expect(rs.candidates('Xyz').map((r) => r.rule.id)).toEqual(['first', 'last']);
  });
});
