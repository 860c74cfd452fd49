import { describe, expect, it } from 'vitest';
import { MAX_SPAN_SECONDS, splitRange, toSeconds, type Slice } from '../../../src/sources/tencentcloud/slices.js';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const s0 = T0 / 1000;
const range = (fromMs: number, toMs: number) => ({ start: new Date(T0 + fromMs), end: new Date(T0 + toMs) });
const DAY = 86_400_000;

function expectTiles(slices: Slice[], whole: Slice) {
  expect(slices[0].start).toBe(whole.start);
  expect(slices.at(-1)!.end).toBe(whole.end);
  for (let i = 1; i < slices.length; i++) expect(slices[i].start).toBe(slices[i - 1].end + 1);
}

describe('toSeconds', () => {
  it.each([
    [0, 1000, { start: s0, end: s0 }],
    [0, 1001, { start: s0, end: s0 + 1 }],
    [1, 2000, { start: s0 + 1, end: s0 + 1 }],
    [999, 1000, null],
    [0, 0, null],
  ])('[%i ms, %i ms) → %j', (a, b, want) => {
    expect(toSeconds(range(a, b))).toEqual(want);
  });
});

describe('splitRange', () => {
  it('keeps a short poll in one request', () => {
    expect(splitRange(range(0, 300_000), 'LookUpEvents', 4)).toEqual([{ start: s0, end: s0 + 299 }]);
  });

  it('cuts a day into one slice per parallel listing', () => {
    const slices = splitRange(range(0, DAY), 'LookUpEvents', 4);
    expect(slices.map((s) => s.end - s.start + 1)).toEqual([21_600, 21_600, 21_600, 21_600]);
    expectTiles(slices, { start: s0, end: s0 + 86_399 });
  });

  it.each([
    ['LookUpEvents', 30, 4],
    ['LookUpEvents', 7, 1],
    ['DescribeEvents', 90, 1],
    ['DescribeEvents', 30, 1],
  ] as const)('%s over %i days (parallel %i) stays within the API limit', (api, days, parallel) => {
    const slices = splitRange(range(0, days * DAY), api, parallel);
    for (const s of slices) expect(s.end - s.start).toBeLessThanOrEqual(MAX_SPAN_SECONDS[api]);
    expectTiles(slices, { start: s0, end: s0 + days * 86_400 - 1 });
  });

  it('uses the whole limit: EndTime − StartTime of 7 days for LookUpEvents, just under 30 days for DescribeEvents', () => {
    expect(splitRange(range(0, 7 * DAY + 1000), 'LookUpEvents', 1)).toHaveLength(1);
    expect(splitRange(range(0, 7 * DAY + 2000), 'LookUpEvents', 1)).toHaveLength(2);
    expect(splitRange(range(0, 30 * DAY), 'DescribeEvents', 1)).toHaveLength(1);
    expect(splitRange(range(0, 30 * DAY + 1000), 'DescribeEvents', 1)).toHaveLength(2);
  });

  it('has nothing to ask for an empty range', () => {
    expect(splitRange(range(5000, 5000), 'LookUpEvents', 4)).toEqual([]);
  });
});
