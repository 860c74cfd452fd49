import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notifyTest, TEST_TITLE } from '../../src/cli/commands/notify.js';
import { notifiersConfigSchema } from '../../src/notifiers/index.js';
import { isAuditError } from '../../src/errors.js';
import { silentLogger } from '../../src/util/logger.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { capture } from './alerts.js';
import { NOW } from './setup.js';

let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver({ dingtalkSecret: 'SECtest', now: () => NOW.getTime() });
});
afterEach(() => rx.close());

function io() {
  return { stdout: capture(), stderr: capture(), env: {}, now: () => NOW };
}

describe('notifyTest', () => {
  it('sends one clearly marked sample alert, ignoring minSeverity, and prints delivered', async () => {
    const configs = notifiersConfigSchema.parse([
      { name: 'console', type: 'stdout' },
      { name: 'ops', type: 'webhook', format: 'dingtalk', url: rx.url('/dingtalk/robot/send?access_token=t'), secret: 'SECtest', minSeverity: 'critical' },
    ]);
    const out = io();
    expect(await notifyTest(configs, 'ops', out, silentLogger())).toBe(0);
    expect(out.stdout.text()).toBe('delivered\n');
    expect(rx.requests).toHaveLength(1);
    expect(rx.requests[0].problems).toEqual([]);
    expect(rx.requests[0].body.markdown.title).toContain(TEST_TITLE);
    expect(rx.requests[0].body.markdown.text).toContain('[INFO] [TEST] cloudaudit-watch test alert');
    expect(rx.requests[0].body.markdown.text).toContain('Test message: notifier "ops" works');
  });

  it('prints the failure and returns 1', async () => {
    const configs = notifiersConfigSchema.parse([{ name: 'hook', type: 'webhook', url: rx.url('/h') }]);
    rx.script({ status: 403, body: 'forbidden' });
    const out = io();
    expect(await notifyTest(configs, 'hook', out, silentLogger(), { retry: { retries: 0 } })).toBe(1);
    expect(out.stdout.text()).toBe('');
    expect(out.stderr.text()).toBe('failed: hook (webhook): HTTP 403: forbidden\n');
  });

  it('writes the sample to stdout for a stdout notifier', async () => {
    const out = io();
    expect(await notifyTest(notifiersConfigSchema.parse(undefined), 'console', out, silentLogger())).toBe(0);
    expect(out.stdout.text()).toMatch(/^2026-11-20 03:05:00 UTC {2}INFO {6}cloudaudit-watch\.test {3,}Test message: notifier .* works.*\ndelivered\n$/);
  });

  it('an unknown name is a usage error listing the configured names', async () => {
    const configs = notifiersConfigSchema.parse([{ name: 'console', type: 'stdout' }, { name: 'sms', type: 'exec', command: ['/bin/true'] }]);
    const err = await notifyTest(configs, 'pager', io(), silentLogger()).catch((e) => e);
    expect(isAuditError(err, 'E_USAGE')).toBe(true);
    expect(err.message).toBe('unknown notifier "pager" (configured: console, sms)');
  });
});
