import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/rules/compile.js';
import { createEngine } from '../../src/rules/engine.js';
import { ev, rule } from './helpers.js';

describe('compileRules', () => {
  it('keeps only the rules whose name condition holds for the name, in rule order', () => {
    const rs = compileRules([
      rule({ id: 'a', when: { name: 'DeleteBucket' } }),
      rule({ id: 'glob', when: { name: 'Delete*' } }),
      rule({ id: 'b', when: { name: ['DeleteBucket', 'PutBucket'] } }),
      rule({ id: 'any', when: { 'actor.type': 'Root' } }),
      rule({ id: 'c', when: { name: { in: ['PutBucket'] } } }),
    ]);
    const ids = (name: string) => rs.candidates(name).map((r) => r.rule.id);
    expect(ids('DeleteBucket')).toEqual(['a', 'glob', 'b', 'any']);
    expect(ids('PutBucket')).toEqual(['b', 'any', 'c']);
    expect(ids('Other')).toEqual(['any']);
  });

  it('the candidates of an event do not grow with the number of name-pinned rules', () => {
    const many = Array.from({ length: 5000 }, (_, i) => rule({ id: `r${i}`, when: { name: `Action${i}` } }));
    const rs = compileRules([...many, rule({ id: 'generic', when: { sourceIp: { cidr: '10.0.0.0/8' } } })]);
    expect(rs.candidates('Action42').map((r) => r.rule.id)).toEqual(['r42', 'generic']);
    expect(rs.candidates('Unrelated').map((r) => r.rule.id)).toEqual(['generic']);
    const engine = createEngine(rs, { now: () => new Date() });
    expect(engine.matches(ev({ name: 'Action42', sourceIp: '10.1.1.1' }))).toEqual(['r42', 'generic']);
  });

  it('skips disabled rules', () => {
    const rs = compileRules([rule({ id: 'on', when: {} }), { ...rule({ id: 'off', when: {} }), enabled: false }]);
    expect(rs.rules.map((r) => r.rule.id)).toEqual(['on']);
    expect(rs.byId.has('off')).toBe(false);
  });

  it('case-insensitive name conditions are not indexed, so they still match', () => {
    const rs = compileRules([rule({ id: 'ci', when: { name: { eq: 'consolelogin', ignoreCase: true } } })]);
    expect(createEngine(rs, { now: () => new Date() }).matches(ev({ name: 'ConsoleLogin' }))).toEqual(['ci']);
  });
});
