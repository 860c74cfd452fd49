import { describe, expect, it } from 'vitest';
import { compileFieldCondition } from '../../src/rules/condition.js';
import { fieldReader, firstValueReader, GENERAL, singleReader } from '../../src/rules/fields.js';
import type { RuleIssue } from '../../src/rules/matchers.js';
import { compileWhen } from '../../src/rules/when.js';
import { ev } from './helpers.js';

/** The default event without some top-level keys, for "absent" as opposed to null. */
function without(...keys: string[]): Record<string, unknown> {
  const e: Record<string, unknown> = { ...ev() };
  for (const k of keys) delete e[k];
  return e;
}

const holds = (when: unknown, event: unknown) => compileWhen(when, ['when'], [])!.test(event);

describe('single-valued fields: null, absent, numbers and booleans', () => {
  it.each([
    ['false matches false', { readOnly: false }, ev({ readOnly: false }), true],
    ['false is not null', { readOnly: false }, ev({ readOnly: null }), false],
    ['false is not absent', { readOnly: false }, without('readOnly'), false],
    ['"false" matches the boolean as text', { readOnly: 'false' }, ev({ readOnly: false }), true],
    ['null matches null', { readOnly: null }, ev({ readOnly: null }), true],
    ['null matches absent', { readOnly: null }, without('readOnly'), true],
    ['null matches an absent parent', { 'actor.type': null }, without('actor'), true],
    ['null matches a null parent', { 'error.code': null }, ev({ error: null }), true],
    ['exists: false on null', { error: { exists: false } }, ev({ error: null }), true],
    ['exists: true on null', { error: { exists: true } }, ev({ error: null }), false],
    ['exists: true on an object', { error: { exists: true } }, ev({ error: { code: 'X', message: '' } }), true],
    ['ne holds on absent', { 'actor.type': { ne: 'Root' } }, without('actor'), true],
    ['ne null fails on null', { sourceIp: { ne: null } }, ev({ sourceIp: null }), false],
    ['notIn holds on null', { region: { notIn: ['a', 'b', 'c'] } }, ev({ region: null }), true],
    ['in fails on absent', { region: { in: ['a', 'b', 'c'] } }, without('region'), false],
    ['number matches text', { 'error.code': 403 }, ev({ error: { code: '403', message: '' } }), true],
    ['text matches number', { 'raw.code': '403' }, ev({ raw: { code: 403 } }), true],
    ['number in a long list', { 'raw.code': { in: ['a', 'b', '0'] } }, ev({ raw: { code: 0 } }), true],
    ['boolean in a long list', { sensitive: { in: ['a', 'b', 'true'] } }, ev({ sensitive: true }), true],
    ['same-type values compare strictly', { 'raw.code': { in: [1, 2, 3] } }, ev({ raw: { code: 1.5 } }), false],
    ['NaN equals nothing', { 'raw.n': { in: [Number.NaN, 1, 2] } }, ev({ raw: { n: Number.NaN } }), false],
    ['gt on numeric text', { 'raw.n': { gt: 2 } }, ev({ raw: { n: '3' } }), true],
    ['gt on a boolean', { 'raw.n': { gt: 0 } }, ev({ raw: { n: true } }), false],
    ['an object is no scalar', { actor: 'x' }, ev(), false],
    ['a list fans out', { 'actor.type': 'Root' }, { ...ev(), actor: [{ type: 'CAMUser' }, { type: 'Root' }] }, true],
    ['JSON text is parsed on the way', { 'actor.type': 'Root' }, { ...ev(), actor: '{"type":"Root"}' }, true],
    ['JSON text at the end is text', { 'raw.x': '{"a":1}' }, ev({ raw: { x: '{"a":1}' } }), true],
    ['inherited properties are not fields', { 'raw.x': 'y' }, ev({ raw: Object.create({ x: 'y' }) }), false],
  ])('%s', (_, when, event, want) => {
    expect(holds(when, event)).toBe(want);
  });
});

const EVENTS: unknown[] = [
  ev(), without('actor', 'error', 'raw'), ev({ error: { code: 'X', message: 'm' } }),
  { ...ev(), actor: null }, { ...ev(), actor: 'text' }, { ...ev(), actor: '{"type":"Root","name":["a","b"]}' },
  { ...ev(), actor: [{ type: 'A' }, { type: 'B' }] }, { ...ev(), error: 7 }, { ...ev(), name: ['A', 'B'] },
  ev({ raw: { a: { b: [1, [2]], c: null }, s: '{"b":{"c":1}}', t: '[{"b":2},{"b":3}]' } }),
  { ...ev(), raw: Object.create({ a: 1 }) }, '{"name":"A","actor":{"type":"Root"}}', null, 42, [ev(), ev({ name: 'B' })],
];
const PATHS = ['name', 'readOnly', 'actor', 'actor.type', 'actor.name', 'error', 'error.code', 'raw', 'raw.a', 'raw.a.b', 'raw.a.c', 'raw.s.b', 'raw.s.b.c', 'raw.t.b'];

describe('the single-value reader agrees with the general reader', () => {
  it.each(PATHS)('%s', (path) => {
    const one = singleReader(path)!;
    const all = fieldReader(path);
    const first = firstValueReader(path);
    for (const event of EVENTS) {
      const values = all(event);
      const value = one(event);
      if (value !== GENERAL) expect(values, JSON.stringify(event)).toEqual(value === undefined ? [] : [value]);
      expect(first(event)).toEqual(values.length > 0 ? values[0] : null);
    }
  });

  it('no single reader for resources, which is a list', () => {
    expect(singleReader('resources.name')).toBeUndefined();
  });
});

const SPECS: unknown[] = [
  null, 'A', 'A*', 0, true, ['A', null], ['A', 'b', 'C*', 1], { eq: null }, { ne: null }, { ne: 'A' }, { eq: 'a', ignoreCase: true },
  { in: ['A', 1, true] }, { in: ['a', 'B', 'c'], ignoreCase: true }, { notIn: ['A', 'B', '1'] }, { exists: true }, { exists: false },
  { glob: ['A*', '*1'] }, { regex: ['^a', '1$'], ignoreCase: true }, { cidr: '10.0.0.0/8' }, { gt: 0 }, { lte: 'B' },
  { contains: ['B', 'x'] }, { startsWith: 'a', ignoreCase: true }, { ne: 'A', exists: true },
];
const VALUES: unknown[] = ['A', 'a', 'AB', 'B', '1', 1, 0, true, false, 'true', null, '10.1.2.3', Number.NaN, {}, ['A']];

describe('the single-value form of a condition agrees with the list form', () => {
  it.each(SPECS.map((s) => [JSON.stringify(s), s]))('%s', (_, spec) => {
    const issues: RuleIssue[] = [];
    const test = compileFieldCondition(spec, [], issues)!;
    expect(issues).toEqual([]);
    expect(test.single(undefined)).toBe(test.values([]));
    for (const v of VALUES) expect(test.single(v), JSON.stringify(v)).toBe(test.values([v]));
  });
});

describe('known fields follow the event schema', () => {
  it('every field of the schema (and of actor and error) can be named in a rule', async () => {
    const { checkFieldPath } = await import('../../src/rules/fields.js');
    const { auditEventSchema, actorSchema, eventErrorSchema } = await import('../../src/events/index.js');
    for (const key of Object.keys(auditEventSchema.shape)) expect(checkFieldPath(key), key).toBeUndefined();
    for (const key of Object.keys(actorSchema.shape)) expect(checkFieldPath(`actor.${key}`), key).toBeUndefined();
    for (const key of Object.keys(eventErrorSchema.shape)) expect(checkFieldPath(`error.${key}`), key).toBeUndefined();
  });
});
