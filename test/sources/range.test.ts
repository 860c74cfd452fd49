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
    expect(r.newFrom).toBe(since);
    expect(r.start.getTime()).toBe(since.getTime() - 10 * min);
  });
});
