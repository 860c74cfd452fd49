import { describe, expect, it } from 'vitest';
import { insanity } from '../../src/events/sanity.js';
import { ev } from '../rules/helpers.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('insanity: what is quarantined rather than evaluated', () => {
  it.each([
    ['an ordinary event', ev({ time: '2026-11-22T11:59:00.000Z', raw: { requestParameters: nested(20) } }), undefined],
    ['an event a few hours ahead (clock skew)', ev({ time: '2026-11-22T20:00:00.000Z' }), undefined],
    ['time 0', ev({ time: '1970-01-01T00:00:00.000Z' }), 'time 1970-01-01T00:00:00.000Z is before 2000-01-01'],
    ['time 1e15 ms (year 33658)', ev({ time: new Date(1e15).toISOString() }), 'is more than a day in the future'],
    ['a record nested 10,000 deep', ev({ time: '2026-11-22T11:00:00.000Z', raw: nested(10_000) }), 'record nests deeper than 64 levels'],
    ['a record of 2 MiB of text', ev({ time: '2026-11-22T11:00:00.000Z', raw: { big: 'x'.repeat(2 << 20) } }), 'record holds more than 1 MiB of text'],
    ['a record of 100,000 values', ev({ time: '2026-11-22T11:00:00.000Z', raw: { list: Array.from({ length: 100_000 }, (_, i) => i) } }), 'record has more than 50000 values'],
  ])('%s', (_name, event, reason) => {
    const got = insanity(event, NOW);
    if (reason === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(reason);
  });
});
