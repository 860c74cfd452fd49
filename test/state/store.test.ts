import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAuditError } from '../../src/errors.js';
import { openState, STATE_FILE } from '../../src/state/index.js';
import { captureLogger, makeTmp, manualClock, sampleAlert } from './helpers.js';

let tmp: Awaited<ReturnType<typeof makeTmp>>;
beforeEach(async () => void (tmp = await makeTmp()));
afterEach(() => tmp.cleanup());

describe('openState', () => {
  it('round-trips every kind of record through the file', async () => {
    const { logger, lines } = captureLogger();
    const clock = manualClock('2024-05-01T10:05:00Z');
    const dir = join(tmp.dir, 'nested', 'cfg');
    const a = await openState({ dir, logger, now: clock.now });
    expect(a.stats()).toEqual({ partitions: 0, seen: 0, alerts: 0, suppressions: 0, outbox: 0, pendingDeliveries: 0 });
    a.setCheckpoint('tencentcloud/ap-guangzhou', new Date('2024-05-01T10:04:00Z'));
    a.markSeen('ev-1', '2024-05-01T10:01:00Z');
    a.markSeen('ev-2', '2024-05-01T18:02:00+08:00');
    a.recordAlert('al-1', '2024-05-01T10:01:00Z');
    a.recordAlert(sampleAlert('al-2'));
    a.suppression.set('root-login|root', 1714557660000);
    a.suppression.set('__proto__', 5);
    a.outbox.add(sampleAlert('al-1'), ['ops-webhook', 'sms']);
    await a.save();

    const b = await openState({ dir, logger, now: clock.now });
    expect(b.checkpoint('tencentcloud/ap-guangzhou')?.toISOString()).toBe('2024-05-01T10:04:00.000Z');
    expect(b.checkpoint('tencentcloud/ap-beijing')).toBeUndefined();
    expect(b.hasSeen('ev-1') && b.hasSeen('ev-2')).toBe(true);
    expect(b.hasSeen('ev-3')).toBe(false);
    expect(b.hasAlert('al-1') && b.hasAlert('al-2')).toBe(true);
    expect(b.hasAlert('al-3')).toBe(false);
    expect(b.suppression.get('root-login|root')).toBe(1714557660000);
    expect(b.suppression.get('__proto__')).toBe(5);
    expect(b.suppression.get('other')).toBeUndefined();
    expect(b.outbox.list()).toEqual(a.outbox.list());
    expect(b.outbox.list()[0].alert).toEqual(sampleAlert('al-1'));
    expect(b.stats()).toEqual({ partitions: 1, seen: 2, alerts: 2, suppressions: 2, outbox: 1, pendingDeliveries: 2 });

    const file = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8'));
    expect(file.version).toBe(2);
    expect(file.savedAt).toBe('2024-05-01T10:05:00.000Z');
    expect((await stat(join(dir, STATE_FILE))).mode & 0o777).toBe(0o600);
    expect(lines().filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('does not rewrite the file when nothing changed', async () => {
    const { logger } = captureLogger();
    const s = await openState({ dir: tmp.dir, logger });
    s.markSeen('ev-1', '2024-05-01T10:01:00Z');
    await s.save();
    await rm(join(tmp.dir, STATE_FILE));
    await s.save();
    expect(await readdir(tmp.dir)).toEqual([]);
    s.markSeen('ev-2', '2024-05-01T10:01:00Z');
    await s.save();
    expect(await readdir(tmp.dir)).toEqual([STATE_FILE]);
  });

  it('refuses times the file could not hold instead of writing a file it would reject', async () => {
    const { logger } = captureLogger();
    const s = await openState({ dir: tmp.dir, logger });
    const codeOf = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        return isAuditError(err) ? err.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => s.markSeen('ev-1', 'yesterday'))).toBe('E_STATE');
    expect(codeOf(() => s.recordAlert('al-1', ''))).toBe('E_STATE');
    expect(codeOf(() => s.setCheckpoint('p', new Date('nope')))).toBe('E_STATE');
    expect(codeOf(() => s.suppression.set('k', Number.NaN))).toBe('E_STATE');
    expect(codeOf(() => s.suppression.set('k', 8.64e15))).toBe('E_STATE');
    expect(s.stats().seen + s.stats().alerts + s.stats().partitions + s.stats().suppressions).toBe(0);
  });

  it('read-only: reads the state but creates, cleans and writes nothing', async () => {
    const { logger } = captureLogger();
    const missing = join(tmp.dir, 'never-created');
    const empty = await openState({ dir: missing, logger, readOnly: true });
    empty.markSeen('ev-1', '2024-05-01T10:01:00Z');
    await empty.save();
    await expect(stat(missing)).rejects.toMatchObject({ code: 'ENOENT' });

    const rw = await openState({ dir: tmp.dir, logger });
    rw.setCheckpoint('p', new Date('2024-05-01T10:00:00Z'));
    await rw.save();
    const before = await readFile(join(tmp.dir, STATE_FILE), 'utf8');
    const ro = await openState({ dir: tmp.dir, logger, readOnly: true });
    expect(ro.readOnly).toBe(true);
    expect(ro.checkpoint('p')?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    ro.setCheckpoint('p', new Date('2024-05-02T10:00:00Z'));
    await ro.save();
    expect(await readFile(join(tmp.dir, STATE_FILE), 'utf8')).toBe(before);
  });
});
