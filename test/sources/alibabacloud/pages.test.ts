import { describe, expect, it } from 'vitest';
import { apiTime, MAX_SLICE_MS, RETENTION_MS, splitRange } from '../../../src/sources/alibabacloud/pages.js';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const HOUR = 3_600_000;
const range = (start: number, end: number) => ({ start: new Date(start), end: new Date(end) });

describe('ActionTrail slices', () => {
  it('writes StartTime and EndTime as yyyy-MM-ddTHH:mm:ssZ', () => {
    expect(apiTime(T0 / 1000)).toBe('2026-11-20T00:00:00Z');
  });

  it('keeps a short range whole, and splits for concurrency down to an hour', () => {
    expect(splitRange(range(T0, T0 + HOUR), 2, T0)).toEqual([{ startMs: T0, endMs: T0 + HOUR }]);
    expect(splitRange(range(T0, T0 + 4 * HOUR), 2, T0)).toEqual([
      { startMs: T0, endMs: T0 + 2 * HOUR },
      { startMs: T0 + 2 * HOUR, endMs: T0 + 4 * HOUR },
    ]);
  });

  it('tiles a long range with slices of at most a day, inner boundaries on whole seconds', () => {
    const start = T0 + 123;
    const slices = splitRange(range(start, T0 + 5 * 24 * HOUR + 500), 2, T0 + 5 * 24 * HOUR);
    expect(slices[0].startMs).toBe(start);
    expect(slices.at(-1)!.endMs).toBe(T0 + 5 * 24 * HOUR + 500);
    for (let i = 1; i < slices.length; i++) {
      expect(slices[i].startMs).toBe(slices[i - 1].endMs);
      expect(slices[i].startMs % 1000).toBe(0);
    }
    for (const s of slices) expect(s.endMs - s.startMs).toBeLessThanOrEqual(MAX_SLICE_MS);
  });

  it('asks nothing older than the 90 days ActionTrail keeps, nor far in the future', () => {
    const now = T0;
    const slices = splitRange(range(0, 253_402_300_799_999), 2, now);
    expect(slices[0].startMs).toBe(now - RETENTION_MS);
    expect(slices.at(-1)!.endMs).toBe(now + 24 * HOUR);
  });

  it('asks nothing for a range that holds no whole second', () => {
    expect(splitRange(range(T0 + 200, T0 + 900), 2, T0)).toEqual([]);
    expect(splitRange(range(T0 + 900, T0 + 200), 2, T0)).toEqual([]);
    expect(splitRange(range(T0 + 200, T0 + 1001), 2, T0)).toHaveLength(1);
  });
});
