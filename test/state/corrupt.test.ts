import { appendFile, copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openState, STATE_FILE } from '../../src/state/index.js';
import { captureLogger, makeTmp, manualClock } from './helpers.js';

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
    expect(String(warnings[0].msg)).toContain('continues from the default range');

    // The next save and the next run are back to normal, with no further warning.
    s.setCheckpoint('tencentcloud/ap-guangzhou', new Date('2024-05-01T10:05:00Z'));
    await s.save();
    const next = await openState({ dir: tmp.dir, logger, now: clock.now });
    expect(next.checkpoint('tencentcloud/ap-guangzhou')).toBeDefined();
    expect(lines().filter((l) => l.level === 'warn')).toHaveLength(1);
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
