import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openState, STATE_FILE } from '../../src/state/index.js';
import { captureLogger, makeTmp, manualClock, sampleAlert } from './helpers.js';

let tmp: Awaited<ReturnType<typeof makeTmp>>;
beforeEach(async () => void (tmp = await makeTmp()));
afterEach(() => tmp.cleanup());

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('prune', () => {
  it('forgets seen events and alerts older than the cutoff, suppression by its own cutoff', async () => {
    const { logger } = captureLogger();
    const s = await openState({ dir: tmp.dir, logger });
    s.markSeen('old', '2024-05-01T08:59:59Z');
    s.markSeen('edge', '2024-05-01T09:00:00Z');
    s.markSeen('new', '2024-05-01T09:30:00Z');
    s.recordAlert('al-old', '2024-05-01T08:00:00Z');
    s.recordAlert('al-new', '2024-05-01T09:10:00Z');
    s.suppression.set('k-old', Date.parse('2024-04-30T09:00:00Z'));
    s.suppression.set('k-recent', Date.parse('2024-05-01T08:00:00Z'));
    s.setCheckpoint('p', new Date('2024-01-01T00:00:00Z'));
    s.outbox.add(sampleAlert('queued', '2024-01-01T00:00:00Z'), ['webhook']);

    const result = s.prune(new Date('2024-05-01T09:00:00Z'), new Date('2024-05-01T00:00:00Z'));
    expect(result).toEqual({ seen: 1, alerts: 1, suppressions: 1 });
    expect([s.hasSeen('old'), s.hasSeen('edge'), s.hasSeen('new')]).toEqual([false, true, true]);
    expect([s.hasAlert('al-old'), s.hasAlert('al-new')]).toEqual([false, true]);
    expect([s.suppression.get('k-old'), s.suppression.get('k-recent')]).toEqual([undefined, Date.parse('2024-05-01T08:00:00Z')]);
    // Checkpoints and undelivered alerts are never dropped for age.
    expect(s.checkpoint('p')).toBeDefined();
    expect(s.outbox.size).toBe(1);

    await s.save();
    const again = await openState({ dir: tmp.dir, logger });
    expect(again.stats()).toMatchObject({ seen: 2, alerts: 1, suppressions: 1, outbox: 1 });
    expect(again.prune(new Date('2024-05-01T09:00:00Z'))).toEqual({ seen: 0, alerts: 0, suppressions: 1 });
  });

  it('stays small over three days of one run per minute with thousands of events a day', async () => {
    const { logger } = captureLogger();
    const clock = manualClock('2024-05-01T00:00:00Z');
    const retentionMs = 10 * MINUTE + HOUR; // lateness + longest window
    const eventsPerRun = 4; // 5760 events a day
    let s = await openState({ dir: tmp.dir, logger, now: clock.now });
    let maxSize = 0;
    for (let run = 0; run < 3 * 24 * 60; run++) {
      clock.advance(MINUTE);
      const t = clock.now().getTime();
      for (let i = 0; i < eventsPerRun; i++) {
        // Events arrive up to 10 minutes late.
        s.markSeen(`ev-${run}-${i}`, new Date(t - ((i * 3 * MINUTE) % (10 * MINUTE))).toISOString());
      }
      if (run % 97 === 0) s.recordAlert(`al-${run}`, new Date(t).toISOString());
      s.suppression.set(`rule|actor-${run % 500}`, t);
      s.prune(new Date(t - retentionMs), new Date(t - 24 * HOUR));
      if (run % 60 === 0) {
        await s.save();
        maxSize = Math.max(maxSize, (await stat(join(tmp.dir, STATE_FILE))).size);
        s = await openState({ dir: tmp.dir, logger, now: clock.now });
      }
    }
    const stats = s.stats();
    // Only what falls inside the retention is kept: 70 minutes' worth of events, not three days'.
    expect(stats.seen).toBeLessThanOrEqual((retentionMs / MINUTE + 10) * eventsPerRun);
    expect(stats.seen).toBeGreaterThan((60 * eventsPerRun));
    expect(stats.alerts).toBeLessThanOrEqual(2);
    expect(stats.suppressions).toBe(500);
    expect(maxSize).toBeLessThan(100_000);
  });
});
