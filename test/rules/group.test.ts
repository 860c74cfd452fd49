import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/rules/compile.js';
import { createEngine } from '../../src/rules/engine.js';
import { fieldReader, firstValue } from '../../src/rules/fields.js';
import { distinctKey, grouping } from '../../src/rules/group.js';
import { at, ev, rule, run } from './helpers.js';

const withToJson = { toJSON: (key: string) => `key:${key}` };

describe('group keys stay JSON.stringify of the first values (persisted, and in alert ids)', () => {
  it.each([
    ['a string', ['actor.accessKeyId'], ev()],
    ['text that needs escaping', ['actor.name'], ev({ actor: { name: 'a"b\\c\n\u0001é💥' } })],
    ['null and absent', ['actor.accessKeyId', 'raw.none'], ev({ actor: { accessKeyId: null } })],
    ['numbers and booleans', ['raw.n', 'raw.f', 'readOnly', 'raw.z'], ev({ raw: { n: 1.5, f: Number.NaN, z: -0 }, readOnly: false })],
    ['an object', ['actor'], ev()],
    ['an object with toJSON', ['raw.o', 'name'], ev({ raw: { o: withToJson } })],
    ['a list field', ['resources.name', 'resources.type'], ev({ resources: [{ type: null, name: 'x' }, { type: 't', name: 'y' }] })],
    ['JSON text in raw', ['raw.s.k'], ev({ raw: { s: '{"k":[3,4]}' } })],
    ['the same field twice', ['name', 'name'], ev()],
  ])('%s', (_, fields, event) => {
    const { key, group } = grouping(fields);
    const values = fields.map((f) => firstValue(fieldReader(f), event));
    expect(key(event)).toBe(JSON.stringify(values));
    expect(group(event)).toEqual(Object.fromEntries(fields.map((f, i) => [f, values[i]])));
  });

  it('without groupBy: empty key, no group', () => {
    expect(grouping([]).key(ev())).toBe('');
    expect(grouping([]).group(ev())).toBeNull();
  });

  it('remembered keys stay right past the memory bound', () => {
    const { key } = grouping(['actor.name']);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3000; i++) {
        const e = ev({ actor: { name: `user-"${i}"` } });
        expect(key(e)).toBe(JSON.stringify([`user-"${i}"`]));
      }
    }
  });

  it('two-field keys stay right past the memory bound, and 1, "1", true and null stay apart', () => {
    const { key } = grouping(['raw.a', 'raw.b']);
    const odd = [1, '1', true, 'true', null, 'null', 0, -0, '0'];
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 12_000; i++) {
        const a = i % 2 === 0 ? `acct-${i % 4000}` : i % 4000;
        const b = odd[i % odd.length];
        expect(key(ev({ raw: { a, b } }))).toBe(JSON.stringify([a, b]));
      }
    }
    // An object in the last field after scalars in the first is never cached as a scalar would be.
    expect(key(ev({ raw: { a: 'x', b: withToJson } }))).toBe(JSON.stringify(['x', withToJson]));
    expect(key(ev({ raw: { a: 'x', b: 'key:1' } }))).toBe('["x","key:1"]');
  });

  it('distinct values stay right past the shared memory bound', () => {
    const read = distinctKey('raw.v');
    for (let i = 0; i < 60_000; i += 7) expect(read(ev({ raw: { v: `v"${i}` } }))).toBe(JSON.stringify(`v"${i}`));
    expect(read(ev({ raw: { v: 5 } }))).toBe('5');
    expect(read(ev({ raw: { v: '5' } }))).toBe('"5"');
  });

  it('distinct values are JSON text, none for null or absent', () => {
    const read = distinctKey('sourceIp');
    expect(read(ev({ sourceIp: '1.2.3.4' }))).toBe('"1.2.3.4"');
    expect(read(ev({ sourceIp: null }))).toBeUndefined();
    expect(distinctKey('raw.x')(ev({ raw: {} }))).toBeUndefined();
  });
});

describe('engine: what the fast paths must not change', () => {
  it('a window group keeps the group object of the event that opened it', () => {
    const r = { id: 'w', when: {}, window: '5m', count: { gte: 2 }, groupBy: ['raw.o'] };
    const first = { v: 1 };
    const alerts = run([r], [ev({ raw: { o: first }, time: at(1) }), ev({ raw: { o: { v: 1 } }, time: at(2) })]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].group!['raw.o']).toBe(first);
  });

  it('returns one shared, frozen empty list when nothing alerts', () => {
    const engine = createEngine(compileRules([rule({ id: 'a', when: { name: 'A' } })]), { now: () => new Date() });
    const none = engine.push(ev({ name: 'B' }));
    expect(none).toEqual([]);
    expect(Object.isFrozen(none)).toBe(true);
    expect(engine.push(ev({ name: 'C' }))).toBe(none);
    const some = engine.push(ev({ name: 'A' }));
    expect(some).toHaveLength(1);
    expect(Object.isFrozen(some)).toBe(false);
  });

  it('event times: repeated, unreadable and missing times count as before', () => {
    const r = { id: 'w', when: {}, window: '5m', count: { gte: 1 }, suppress: 0 };
    const times = [at(10), at(10), 'garbage', at(10), undefined, 7, undefined, at(20), at(20)];
    const events = times.map((time) => ({ ...ev(), time: time as string }));
    const [alert, ...more] = run([r], events);
    expect(more).toEqual([]);
    expect(alert.count).toBe(5);
    expect(alert.window).toEqual({ start: at(60 - 300), end: at(60) });
  });
});
