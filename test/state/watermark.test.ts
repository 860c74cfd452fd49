import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ephemeralState } from '../../src/state/ephemeral.js';
import { openState } from '../../src/state/store.js';
import { streamRetention, streamWatermark } from '../../src/state/watermark.js';
import { createLogger } from '../../src/util/logger.js';

const t = (min: number) => Date.UTC(2026, 10, 22, 10, min);
const NOW = t(30);
const LATENESS = 5 * 60_000;

describe('streamWatermark: window points are judged only as far as every partition has read', () => {
  it.each([
    ['every partition caught up: up to lateness behind now', [[t(5), true], [t(9), true]], t(25)],
    ['caught up with events newer than that: still lateness behind now at most', [[t(29), true]], t(29)],
    ['the one not caught up bounds it', [[t(5), false], [t(9), true]], t(5)],
    ['the earliest of those not caught up', [[t(7), false], [t(3), false], [t(1), true]], t(3)],
    ['a partition never read and not caught up holds everything back', [[undefined, false], [t(9), true]], -Infinity],
    ['a caught-up partition with nothing in it does not', [[undefined, true], [t(9), false]], t(9)],
    ['no partition known yet (still joining): nothing is judged', [], -Infinity],
  ] as const)('%s', (_, parts, expected) => {
    const progress = parts.map(([latestMs, caughtUp], i) => ({ name: `kafka/t/${i}`, latestMs, caughtUp }));
    expect(streamWatermark(ephemeralState(), progress, NOW, LATENESS)).toBe(expected);
  });

  it('keeps each partition\'s watermark in the state, never moving back, and reads what another worker kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-wm-'));
    try {
      const state = await openState({ dir, logger: createLogger('silent'), now: () => new Date(NOW), readOnly: true });
      // Another worker read partition 1 up to 10:08 and saved it.
      state.setCheckpoint('kafka/t/1', new Date(t(8)));
      // This worker read partition 0 to 10:06; partition 1 (not its own) is not known to be caught up.
      expect(streamWatermark(state, [{ name: 'kafka/t/0', latestMs: t(6), caughtUp: false }, { name: 'kafka/t/1', caughtUp: false }], NOW, LATENESS)).toBe(t(6));
      expect(state.checkpoint('kafka/t/0')?.getTime()).toBe(t(6));
      expect(state.checkpoint('kafka/t/1')?.getTime()).toBe(t(8));
      // An older event read later does not move a watermark back.
      expect(streamWatermark(state, [{ name: 'kafka/t/0', latestMs: t(2), caughtUp: false }, { name: 'kafka/t/1', latestMs: t(9), caughtUp: false }], NOW, LATENESS)).toBe(t(6));
      expect(state.checkpoint('kafka/t/1')?.getTime()).toBe(t(9));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('streamRetention: what a stream run keeps is measured from where judging stands, not the clock', () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  it.each([
    ['read events, judged to the earliest partition', { startMs: NOW - LATENESS, endMs: NOW }, t(6), [iso(t(2)), iso(t(9))], { startMs: t(2), endMs: t(6) }],
    ['read events, nothing judged yet: from the events', { startMs: NOW - LATENESS, endMs: NOW }, -Infinity, [iso(t(2)), iso(t(9))], { startMs: t(2), endMs: t(2) }],
    ['read nothing, judged: from the judged point', { startMs: NOW - LATENESS, endMs: NOW }, t(6), undefined, { startMs: t(6), endMs: t(6) }],
    ['read nothing, nothing judged: nothing is old enough to forget', { startMs: NOW - LATENESS, endMs: NOW }, -Infinity, undefined, { startMs: 0, endMs: 0 }],
  ] as const)('%s', (_, range, judgedTo, read, expected) => {
    const r = { ...range };
    streamRetention(r, judgedTo, read as [string, string] | undefined);
    expect(r).toEqual(expected);
  });
});
