import { describe, expect, it } from 'vitest';
import { LATE_HORIZON_MS, LEARN_MS, lateBy, nextFrontier, observedLateness, refetchDepth, sweepEveryMs, type Frontier } from '../../src/sources/lateness.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const now = Date.parse('2026-11-22T12:30:00Z');
const hour = (h: number) => Math.floor(now / HOUR) * HOUR - h * HOUR;
const frontier = (late: [number, number][], sinceMs = now - 2 * HOUR): Frontier => ({ sinceMs, settledMs: now - 20 * MIN, late });

describe('refetchDepth: how far behind its checkpoint a run re-reads (lateness 15m)', () => {
  const cases: [string, Frontier | undefined, number][] = [
    ['never observed: all of lateness', undefined, 15 * MIN],
    ['within the first hour of observing: all of lateness, so every late event is measured', frontier([], now - LEARN_MS + 1), 15 * MIN],
    ['an hour of runs and nothing late: no re-read (the sweep still reads each minute once it settles)', frontier([]), 0],
    ['40 s observed: 1.5 x, rounded up to 10 s', frontier([[hour(0), 40_000]]), 60_000],
    ['the most over the last 24 hours counts', frontier([[hour(23), 4 * MIN], [hour(1), 20_000]]), 6 * MIN],
    ['older than 24 hours no longer counts', frontier([[now - LATE_HORIZON_MS - HOUR, 10 * MIN], [hour(1), 20_000]]), 30_000],
    ['never more than lateness', frontier([[hour(0), 14 * MIN]]), 15 * MIN],
  ];
  it.each(cases)('%s', (_name, f, depth) => expect(refetchDepth(f, 15 * MIN, now)).toBe(depth));
});

describe('lateBy: what an event new to this run says about lateness', () => {
  const readTo = now - MIN;
  it.each<[string, number, boolean, number, number]>([
    ['after where the last run had read: not late', readTo + 1_000, false, 0, 0],
    ['behind it, found by the re-read: by that much', readTo - 25_000, false, 60_000, 25_000],
    ['found by the sweep: later than the depth, counted as twice it', readTo - 16 * MIN, true, 2 * MIN, 4 * MIN],
    ['found by the sweep with no re-read: a minute', readTo - 16 * MIN, true, 0, MIN],
    ['never more than lateness', readTo - 16 * MIN, true, 10 * MIN, 15 * MIN],
  ])('%s', (_name, eventMs, swept, depth, late) => expect(lateBy(eventMs, readTo, swept, depth, 15 * MIN)).toBe(late));
});

describe('nextFrontier', () => {
  it('starts observing now, keeps one maximum per hour and drops hours past the horizon', () => {
    const first = nextFrontier(undefined, now - 15 * MIN, now, 0);
    expect(first).toEqual({ sinceMs: now, settledMs: now - 15 * MIN, late: [] });
    const f = nextFrontier({ ...first, late: [[now - LATE_HORIZON_MS - HOUR, 9 * MIN], [hour(0), 30_000]] }, now - 14 * MIN, now, 20_000);
    expect(f.late).toEqual([[hour(0), 30_000]]);
    expect(nextFrontier(f, now - 14 * MIN, now, 45_000).late).toEqual([[hour(0), 45_000]]);
    expect(observedLateness(nextFrontier(f, now, now + HOUR, 5_000), now + HOUR)).toBe(30_000);
  });

  it('never moves the settled point back', () => {
    expect(nextFrontier(frontier([]), now - 30 * MIN, now, 0).settledMs).toBe(now - 20 * MIN);
  });

  it('sweeps every third of lateness, at least a minute', () => {
    expect([sweepEveryMs(15 * MIN), sweepEveryMs(MIN), sweepEveryMs(0)]).toEqual([5 * MIN, MIN, MIN]);
  });
});
