import { appendFile, copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openState, STATE_FILE } from '../../src/state/index.js';
import { captureLogger, makeTmp, manualClock, sampleAlert } from './helpers.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'corrupt');
const cases = (await readdir(FIXTURES)).sort();
const ASIDE = `${STATE_FILE}.corrupt-2024-05-01T10-05-00.000Z`;

let tmp: Awaited<ReturnType<typeof makeTmp>>;
beforeEach(async () => void (tmp = await makeTmp()));
afterEach(() => tmp.cleanup());

describe('a corrupt state file', () => {
  it.each(cases)('%s: is moved aside, reported once, and the run continues from an empty state', async (name) => {
    const original = await readFile(join(FIXTURES, name, STATE_FILE), 'utf8');
    const reason = (await readFile(join(FIXTURES, name, 'reason.txt'), 'utf8')).trim();
    await copyFile(join(FIXTURES, name, STATE_FILE), join(tmp.dir, STATE_FILE));
    const { logger, lines } = captureLogger();
    const clock = manualClock('2024-05-01T10:05:00Z');

    const s = await openState({ dir: tmp.dir, logger, now: clock.now });
    expect(s.stats()).toEqual({ partitions: 0, seen: 0, alerts: 0, suppressions: 0, outbox: 0, pendingDeliveries: 0 });
    expect((await readdir(tmp.dir)).sort()).toEqual([ASIDE]);
    expect(await readFile(join(tmp.dir, ASIDE), 'utf8')).toBe(original);

    const warnings = lines().filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].file).toBe(join(tmp.dir, STATE_FILE));
    expect(warnings[0].movedTo).toBe(join(tmp.dir, ASIDE));
    expect(String(warnings[0].reason)).toContain(reason);
    expect(String(warnings[0].msg)).toContain(join(tmp.dir, STATE_FILE));
    // Unreadable files start over; damaged ones say what was salvaged and lost.
    expect(String(warnings[0].msg)).toMatch(/continues from the default range|salvaged nothing; lost \S/);

    // The next save and the next run are back to normal, with no further warning.
    s.setCheckpoint('tencentcloud/ap-guangzhou', new Date('2024-05-01T10:05:00Z'));
    await s.save();
    const next = await openState({ dir: tmp.dir, logger, now: clock.now });
    expect(next.checkpoint('tencentcloud/ap-guangzhou')).toBeDefined();
    expect(lines().filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('a damaged one keeps every entry that still validates: one bad outbox field costs one entry, not the outbox', async () => {
    const good = (id: string) => ({ alert: sampleAlert(id), addedAt: '2024-05-01T10:00:00.000Z', pending: [{ notifier: 'hook', attempts: 1, lastError: null, lastAttemptAt: null }] });
    const broken = { ...good('al-bad'), pending: [{ notifier: 'hook', attempts: 'many', lastError: null, lastAttemptAt: null }] };
    const file = {
      version: 2,
      savedAt: '2024-05-01T10:00:00.000Z',
      checkpoints: [['tencentcloud/ap-guangzhou', '2024-05-01T09:59:00.000Z'], ['tencentcloud/ap-shanghai', 'yesterday'], ['tencentcloud/ap-beijing', '2024-05-02T10:00:00.000Z']],
      seen: [['ev-1', '2024-05-01T09:58:00.000Z']],
      alerts: [['al-1', '2024-05-01T09:58:00.000Z']],
      suppression: 'garbage',
      outbox: [good('al-1'), broken, good('al-2'), good('al-3')],
      windows: [],
    };
    await writeFile(join(tmp.dir, STATE_FILE), JSON.stringify(file));
    const { logger, lines } = captureLogger();
    const s = await openState({ dir: tmp.dir, logger, now: manualClock('2024-05-01T10:05:00Z').now });
    expect(s.outbox.list().map((e) => e.alert.id)).toEqual(['al-1', 'al-2', 'al-3']);
    expect(s.checkpoint('tencentcloud/ap-guangzhou')?.toISOString()).toBe('2024-05-01T09:59:00.000Z');
    // A day in the future: damage, not skew; it would silence the partition.
    expect(s.checkpoint('tencentcloud/ap-beijing')).toBeUndefined();
    expect(s.hasSeen('ev-1')).toBe(true);
    const warnings = lines().filter((l) => l.level === 'warn').map((l) => String(l.msg));
    expect(warnings[0]).toMatch(/salvaged 2 checkpoints, 1 seen event, 1 raised alert, 3 undelivered alerts; lost 1 checkpoint, all suppression times, 1 undelivered alert/);
    expect(warnings[1]).toMatch(/checkpoint of tencentcloud\/ap-beijing is in the future/);
    expect((await readdir(tmp.dir)).sort()).toEqual([ASIDE]);
  });

  it('an unreadable one (a directory in its place) is moved aside too', async () => {
    await mkdir(join(tmp.dir, STATE_FILE));
    const { logger, lines } = captureLogger();
    const s = await openState({ dir: tmp.dir, logger, now: manualClock('2024-05-01T10:05:00Z').now });
    expect(s.stats().seen).toBe(0);
    expect(await readdir(tmp.dir)).toEqual([ASIDE]);
    expect(String(lines().find((l) => l.level === 'warn')?.reason)).toMatch(/^cannot read: .*EISDIR/);
    s.markSeen('ev-1', '2024-05-01T10:00:00Z');
    await s.save();
    expect((await readdir(tmp.dir)).sort()).toEqual([STATE_FILE, ASIDE].sort());
  });

  it('does not overwrite an earlier corrupt copy from the same instant', async () => {
    const { logger } = captureLogger();
    const clock = manualClock('2024-05-01T10:05:00Z');
    for (const text of ['first', 'second']) {
      await copyFile(join(FIXTURES, 'bad-json', STATE_FILE), join(tmp.dir, STATE_FILE));
      await appendFile(join(tmp.dir, STATE_FILE), text);
      await openState({ dir: tmp.dir, logger, now: clock.now });
    }
    expect((await readdir(tmp.dir)).sort()).toEqual([ASIDE, `${ASIDE}-1`]);
    expect(await readFile(join(tmp.dir, ASIDE), 'utf8')).toMatch(/first$/);
    expect(await readFile(join(tmp.dir, `${ASIDE}-1`), 'utf8')).toMatch(/second$/);
  });

  it('read-only: warns but leaves the file where it is', async () => {
    await copyFile(join(FIXTURES, 'bad-json', STATE_FILE), join(tmp.dir, STATE_FILE));
    const { logger, lines } = captureLogger();
    const s = await openState({ dir: tmp.dir, logger, readOnly: true });
    expect(s.stats().seen).toBe(0);
    expect(await readdir(tmp.dir)).toEqual([STATE_FILE]);
    const warnings = lines().filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].msg)).toContain('left in place');
  });
});
