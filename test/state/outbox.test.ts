import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAuditError } from '../../src/errors.js';
import { openState } from '../../src/state/index.js';
import { captureLogger, makeTmp, manualClock, sampleAlert } from './helpers.js';

let tmp: Awaited<ReturnType<typeof makeTmp>>;
beforeEach(async () => void (tmp = await makeTmp()));
afterEach(() => tmp.cleanup());

describe('outbox', () => {
  it('keeps an alert\'s other languages, so a retry in a later run writes in the reader\'s', async () => {
    const { logger } = captureLogger();
    const clock = manualClock('2024-05-01T10:05:00Z');
    const run1 = await openState({ dir: tmp.dir, logger, now: clock.now });
    const alert = { ...sampleAlert('al-1'), l10n: { 'zh-CN': { title: '根账号登录控制台', summary: '根账号 root 登录控制台' } } };
    run1.outbox.add(alert, ['ding']);
    await run1.save();
    const run2 = await openState({ dir: tmp.dir, logger, now: clock.now });
    expect(run2.outbox.list()[0].alert.l10n).toEqual(alert.l10n);
  });

  it('keeps an alert until every notifier has it, across runs', async () => {
    const { logger } = captureLogger();
    const clock = manualClock('2024-05-01T10:05:00Z');
    const run1 = await openState({ dir: tmp.dir, logger, now: clock.now });
    run1.outbox.add(sampleAlert('al-1'), ['webhook', 'sms', 'webhook']);
    run1.outbox.add(sampleAlert('al-2'), ['webhook']);
    expect(run1.outbox.list().map((e) => [e.alert.id, e.addedAt, e.pending.map((p) => p.notifier)])).toEqual([
      ['al-1', '2024-05-01T10:05:00.000Z', ['webhook', 'sms']],
      ['al-2', '2024-05-01T10:05:00.000Z', ['webhook']],
    ]);
    run1.outbox.markDelivered('al-1', 'webhook');
    clock.advance(1000);
    run1.outbox.markFailed('al-1', 'sms', new Error('sms command exited with 3'));
    run1.outbox.markDelivered('al-2', 'webhook');
    expect(run1.stats()).toMatchObject({ outbox: 1, pendingDeliveries: 1 });
    await run1.save();

    clock.advance(60_000);
    const run2 = await openState({ dir: tmp.dir, logger, now: clock.now });
    expect(run2.outbox.list()).toEqual([
      {
        alert: sampleAlert('al-1'),
        addedAt: '2024-05-01T10:05:00.000Z',
        pending: [{ notifier: 'sms', attempts: 1, lastError: 'sms command exited with 3', lastAttemptAt: '2024-05-01T10:05:01.000Z' }],
      },
    ]);
    run2.outbox.markFailed('al-1', 'sms', 'timeout');
    expect(run2.outbox.list()[0].pending[0]).toMatchObject({ attempts: 2, lastError: 'timeout', lastAttemptAt: '2024-05-01T10:06:01.000Z' });
    run2.outbox.markDelivered('al-1', 'sms');
    expect(run2.outbox.size).toBe(0);
    await run2.save();

    const run3 = await openState({ dir: tmp.dir, logger });
    expect(run3.outbox.list()).toEqual([]);
  });

  it('re-adding an alert only adds the notifiers it is missing', async () => {
    const s = await openState({ dir: tmp.dir, logger: captureLogger().logger });
    s.outbox.add(sampleAlert('al-1'), ['webhook']);
    s.outbox.markFailed('al-1', 'webhook', 'boom');
    s.outbox.add(sampleAlert('al-1'), ['webhook', 'sms']);
    expect(s.outbox.list()[0].pending.map((p) => [p.notifier, p.attempts])).toEqual([
      ['webhook', 1],
      ['sms', 0],
    ]);
    s.outbox.add(sampleAlert('al-2'), []);
    expect(s.outbox.size).toBe(1);
  });

  it('ignores unknown ids and notifiers, hands out copies, and can drop an entry', async () => {
    const s = await openState({ dir: tmp.dir, logger: captureLogger().logger });
    s.outbox.add(sampleAlert('al-1'), ['webhook']);
    s.outbox.markDelivered('nope', 'webhook');
    s.outbox.markDelivered('al-1', 'sms');
    s.outbox.markFailed('al-1', 'sms', 'x');
    const copy = s.outbox.list();
    copy[0].pending[0].attempts = 99;
    copy[0].pending.pop();
    expect(s.outbox.list()[0].pending).toEqual([{ notifier: 'webhook', attempts: 0, lastError: null, lastAttemptAt: null }]);
    expect(s.outbox.remove('al-1')).toBe(true);
    expect(s.outbox.remove('al-1')).toBe(false);
    expect(s.outbox.size).toBe(0);
  });

  it('truncates long error messages', async () => {
    const s = await openState({ dir: tmp.dir, logger: captureLogger().logger });
    s.outbox.add(sampleAlert('al-1'), ['webhook']);
    s.outbox.markFailed('al-1', 'webhook', new Error('x'.repeat(5000)));
    expect(s.outbox.list()[0].pending[0].lastError!.length).toBeLessThanOrEqual(501);
  });

  it('rejects an alert the state file could not load back', async () => {
    const s = await openState({ dir: tmp.dir, logger: captureLogger().logger });
    const bad = { ...sampleAlert('al-1'), time: 'just now' };
    let caught: unknown;
    try {
      s.outbox.add(bad, ['webhook']);
    } catch (err) {
      caught = err;
    }
    expect(isAuditError(caught, 'E_STATE')).toBe(true);
    expect((caught as { issues: string[] }).issues.join('\n')).toContain('time:');
    expect(s.outbox.size).toBe(0);
  });
});
