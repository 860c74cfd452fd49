import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNotifiers, deliver, notifiersConfigSchema, type NotifierContext } from '../../src/notifiers/index.js';
import { createLogger, silentLogger } from '../../src/util/logger.js';
import type { Alert } from '../../src/rules/model.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { capture, makeAlert, recordingSleep } from './alerts.js';
import { NOW } from './setup.js';

let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver();
});
afterEach(() => rx.close());

function setup(entries: unknown[], ctx: Partial<NotifierContext> = {}) {
  const stdout = capture();
  const notifiers = createNotifiers(notifiersConfigSchema.parse(entries), {
    logger: silentLogger(),
    env: {},
    now: () => NOW,
    stdout,
    retry: { sleep: recordingSleep().sleep, retries: 0 },
    shown: { locale: 'en', timeZone: 'UTC' },
    ...ctx,
  });
  return { notifiers, stdout };
}

const ok = (report: Map<string, Map<string, { ok: boolean }>>, id: string) =>
  Object.fromEntries([...report.get(id)!].map(([name, r]) => [name, r.ok]));

describe('deliver', () => {
  it('routes by the rule\'s notify list (default all) and filters by minSeverity', async () => {
    const { notifiers, stdout } = setup([
      { name: 'console', type: 'stdout' },
      { name: 'ops', type: 'webhook', url: rx.url('/ops'), minSeverity: 'high' },
      { name: 'audit-log', type: 'webhook', url: rx.url('/log') },
    ]);
    const alerts = [
      makeAlert({ id: 'low', severity: 'low', rule: 'failure-spike' }),
      makeAlert({ id: 'high', severity: 'high', rule: 'resource-deletion' }),
      makeAlert({ id: 'crit', severity: 'critical', rule: 'root-login' }),
    ];
    const routes = (a: Alert) => (a.rule.id === 'root-login' ? ['ops'] : undefined);
    const report = await deliver(alerts, notifiers, { routes });
    expect(ok(report, 'low')).toEqual({ console: true, 'audit-log': true });
    expect(ok(report, 'high')).toEqual({ console: true, ops: true, 'audit-log': true });
    expect(ok(report, 'crit')).toEqual({ ops: true });
    expect(rx.requests.filter((r) => r.path === '/ops').map((r) => r.body.id)).toEqual(['high', 'crit']);
    expect(rx.requests.filter((r) => r.path === '/log').map((r) => r.body.id)).toEqual(['low', 'high']);
    expect(stdout.text().split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('an empty notify list sends nowhere', async () => {
    const { notifiers } = setup([{ name: 'console', type: 'stdout' }]);
    const report = await deliver([makeAlert()], notifiers, { routes: () => [] });
    expect(report.get('a1')!.size).toBe(0);
  });

  it('one notifier failing never stops the others', async () => {
    const { notifiers } = setup([
      { name: 'broken', type: 'webhook', url: rx.url('/broken') },
      { name: 'sms', type: 'exec', command: ['/nonexistent/cagent_tools', 'alarm', '{{summary}}'] },
      { name: 'fine', type: 'webhook', url: rx.url('/fine') },
    ]);
    rx.script({ status: 400, body: 'nope' });
    const report = await deliver([makeAlert()], notifiers);
    const r = report.get('a1')!;
    expect(r.get('fine')!.ok).toBe(true);
    expect(r.get('broken')).toMatchObject({ ok: false });
    expect(r.get('sms')).toEqual({ alertId: 'a1', ok: false, error: 'cannot run /nonexistent/cagent_tools: ENOENT' });
  });

  it('a burst beyond maxPerRun sends the most severe first, then one digest covering the rest', async () => {
    const { notifiers } = setup([{ name: 'ding', type: 'webhook', format: 'dingtalk', url: rx.url('/dingtalk/robot/send?access_token=t') }]);
    expect(notifiers[0].maxPerRun).toBe(10);
    const alerts = [
      ...Array.from({ length: 150 }, (_, i) => makeAlert({ id: `del-${i}`, rule: 'resource-deletion', severity: 'high' })),
      ...Array.from({ length: 39 }, (_, i) => makeAlert({ id: `fail-${i}`, rule: 'failure-spike', severity: 'medium' })),
      makeAlert({ id: 'root', rule: 'root-login', severity: 'critical' }),
    ];
    const report = await deliver(alerts, notifiers);
    expect(rx.requests).toHaveLength(10);
    expect(rx.requests.every((r) => r.problems.length === 0)).toBe(true);
    expect(rx.requests[0].body.markdown.text).toContain('root-login');
    const digest = rx.requests[9].body.markdown.text as string;
    expect(digest).toContain('and 181 more: 142 resource-deletion, 39 failure-spike');
    // The most severe of those are there by their own summaries, not just counted.
    expect(digest).toMatch(/HIGH.*ops-bot deleted bucket logs-1250000000/);
    expect([...report.values()].every((m) => m.get('ding')!.ok)).toBe(true);
    expect([...report.values()].filter((m) => m.get('ding')!.viaDigest)).toHaveLength(181);
    expect(report.get('root')!.get('ding')!.viaDigest).toBeUndefined();
  });

  it('alerts in a failed digest are not delivered', async () => {
    const { notifiers } = setup([{ name: 'hook', type: 'webhook', url: rx.url('/h'), maxPerRun: 2 }]);
    rx.script({ status: 200 }, { status: 400, body: 'too big' });
    const report = await deliver([makeAlert({ id: 'a' }), makeAlert({ id: 'b' }), makeAlert({ id: 'c' })], notifiers);
    expect(report.get('a')!.get('hook')).toEqual({ alertId: 'a', ok: true });
    expect(report.get('b')!.get('hook')).toEqual({ alertId: 'b', ok: false, error: 'HTTP 400: too big', viaDigest: true });
    expect(report.get('c')!.get('hook')).toMatchObject({ ok: false, viaDigest: true });
    expect(rx.requests[1].body.rule.id).toBe('cloudaudit-watch.digest');
    expect(rx.requests[1].body.summary).toBe('and 2 more: 2 resource-deletion');
  });

  it('stdout and json webhooks are unlimited unless maxPerRun is set', async () => {
    const { notifiers, stdout } = setup([
      { name: 'console', type: 'stdout' },
      { name: 'hook', type: 'webhook', url: rx.url('/h') },
    ]);
    expect(notifiers.map((n) => n.maxPerRun)).toEqual([undefined, undefined]);
    await deliver(Array.from({ length: 25 }, (_, i) => makeAlert({ id: `x${i}` })), notifiers);
    expect(rx.requests).toHaveLength(25);
    expect(stdout.text().trimEnd().split('\n')).toHaveLength(25);
  });

  it('logs a summary per notifier, failures at warn', async () => {
    const logs = capture();
    const { notifiers } = setup([{ name: 'hook', type: 'webhook', url: rx.url('/h?token=abcdef123456') }], { logger: createLogger('info', logs) });
    rx.script({ status: 401, body: 'bad token abcdef123456' });
    await deliver([makeAlert()], notifiers, { logger: createLogger('info', logs), routes: () => ['hook', 'pager'] });
    const lines = logs.text().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.find((l) => l.msg === 'alerts routed to notifiers that are not configured')?.notifiers).toEqual(['pager']);
    expect(lines.find((l) => l.msg === 'some alerts were not delivered')).toMatchObject({ level: 'warn', notifier: 'hook', failed: 1, errors: ['HTTP 401: bad token ***'] });
    expect(logs.text()).not.toContain('abcdef123456');
  });
});
