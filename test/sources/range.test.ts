import { describe, expect, it } from 'vitest';
import { partitionRange, FIRST_RUN_MS } from '../../src/sources/range.js';

const until = new Date('2026-11-22T12:00:00Z');
const min = 60_000;

describe('partitionRange', () => {
  it('first run: the last 15 minutes', () => {
    const r = partitionRange({ until, latenessMs: 15 * min });
    expect(r.start.getTime()).toBe(until.getTime() - FIRST_RUN_MS);
    expect(r.end).toBe(until);
  });

  it('later runs start at the checkpoint minus lateness, so late events are seen', () => {
    const checkpoint = new Date(until.getTime() - min);
    const r = partitionRange({ until, checkpoint, latenessMs: 15 * min });
    expect(r.start.getTime()).toBe(checkpoint.getTime() - 15 * min);
  });

  it('no longer reaches back for the rule windows when their history is in the state', () => {
    const checkpoint = new Date(until.getTime() - min);
    const r = partitionRange({ until, checkpoint, latenessMs: 2 * min });
    expect(r.start.getTime()).toBe(checkpoint.getTime() - 2 * min);
  });

  it('reaches one lookback before the first point when windows start afresh (a 5m spike needs 10m)', () => {
    const checkpoint = new Date(until.getTime() - min);
    const r = partitionRange({ until, checkpoint, latenessMs: 2 * min, history: { firstPointMs: checkpoint.getTime(), lookbackMs: 10 * min } });
    expect(r.start.getTime()).toBe(checkpoint.getTime() - 10 * min);
    expect(r.newFrom.getTime()).toBe(checkpoint.getTime() - 2 * min);
  });

  it('--since wins over the checkpoint', () => {
    const since = new Date('2026-11-21T00:00:00Z');
    const r = partitionRange({ until, since, checkpoint: until, latenessMs: 15 * min, history: { firstPointMs: since.getTime(), lookbackMs: 10 * min } });
    expect(r.newFrom).toEqual(since);
    expect(r.start.getTime()).toBe(since.getTime() - 10 * min);
  });
});

describe('partitionRange with a frontier (lateness 15m)', () => {
  const checkpoint = new Date(until.getTime() - min);
  const observed = (settledMs: number, lateMs = 0) => ({ sinceMs: until.getTime() - 2 * 60 * min, settledMs, late: lateMs ? ([[until.getTime() - 30 * min, lateMs]] as [number, number][]) : [] });

  it('nothing late observed: reads from the checkpoint, and the settled band not yet (less than 5 minutes of it)', () => {
    const r = partitionRange({ until, checkpoint, latenessMs: 15 * min, frontier: observed(until.getTime() - 19 * min) });
    expect([r.start, r.main, r.newFrom].map((d) => d.getTime())).toEqual([checkpoint.getTime(), checkpoint.getTime(), checkpoint.getTime()]);
    expect(r.sweep).toBeUndefined();
    expect(r.settledMs).toBe(until.getTime() - 19 * min);
  });

  it('5 minutes settled: swept first, and everything unsettled counts as new', () => {
    const r = partitionRange({ until, checkpoint, latenessMs: 15 * min, frontier: observed(until.getTime() - 20 * min) });
    expect(r.sweep).toEqual({ start: new Date(until.getTime() - 20 * min), end: new Date(until.getTime() - 15 * min) });
    expect(r.main).toEqual(checkpoint);
    expect(r.newFrom.getTime()).toBe(until.getTime() - 20 * min);
    expect(r.settledMs).toBe(until.getTime() - 15 * min);
  });

  it('40 s observed: re-reads 60 s behind the checkpoint', () => {
    const r = partitionRange({ until, checkpoint, latenessMs: 15 * min, frontier: observed(until.getTime() - 16 * min, 40_000) });
    expect(r.depthMs).toBe(60_000);
    expect(r.main.getTime()).toBe(checkpoint.getTime() - 60_000);
  });

  it('while learning the re-read reaches the settled point: one range, as before frontiers', () => {
    const f = { ...observed(until.getTime() - 16 * min), sinceMs: until.getTime() - 10 * min };
    const r = partitionRange({ until, checkpoint, latenessMs: 15 * min, frontier: f });
    expect(r.sweep).toBeUndefined();
    expect(r.main.getTime()).toBe(until.getTime() - 16 * min);
    expect(r.settledMs).toBe(until.getTime() - 15 * min);
  });

  it('an upgrade (a checkpoint, no frontier) re-reads all of lateness and settles behind it', () => {
    const r = partitionRange({ until, checkpoint, latenessMs: 15 * min });
    expect(r.main.getTime()).toBe(checkpoint.getTime() - 15 * min);
    expect(r.settledMs).toBe(until.getTime() - 15 * min);
  });

  it('--since is its own range: no sweep, and the settled point moves only if the range covered it', () => {
    const since = new Date(until.getTime() - 5 * min);
    const r = partitionRange({ until, since, checkpoint, latenessMs: 15 * min, frontier: observed(until.getTime() - 30 * min) });
    expect(r.sweep).toBeUndefined();
    expect(r.settledMs).toBe(until.getTime() - 30 * min);
  });
});
