import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BREAKER_FAILURES, deliver } from '../../src/notifiers/deliver.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { makeAlert } from './alerts.js';
import { build } from './setup.js';

let rx: Receiver;
let dir: string;
beforeEach(async () => {
  rx = await startReceiver();
  dir = await mkdtemp(join(tmpdir(), 'audit-budget-'));
});
afterEach(async () => {
  await rx.close();
  await rm(dir, { recursive: true, force: true });
});

describe('deliver: notifiers isolated, runs bounded', () => {
  it('a dead webhook with 1,000 pending costs a few attempts; the new alert reaches a healthy notifier', async () => {
    // The "SMS" program appends the alert's id to a file in the temp dir: a canary, nothing else.
    const script = join(dir, 'sms.mjs');
    const log = join(dir, 'sms.log');
    await writeFile(script, `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(log)}, process.env.AUDIT_EVENT_ID + '\\n');\n`);
    const hook = build({ name: 'hook', type: 'webhook', format: 'json', url: rx.url('/dead'), timeout: '2s' }).notifier;
    const sms = build({ name: 'sms', type: 'exec', command: [process.execPath, script], timeout: '5s' }).notifier;
    rx.script(...Array.from({ length: 50 }, () => ({ status: 503 })));
    const backlog = Array.from({ length: 1000 }, (_, i) => makeAlert({ id: `old-${i}` }));
    const fresh = makeAlert({ id: 'new' });
    const report = await deliver([...backlog, fresh], [hook, sms], { routes: (a) => (a.id === 'new' ? ['sms', 'hook'] : ['hook']), budgetMs: 20_000 });

    expect(report.get('new')!.get('sms')!.ok).toBe(true);
    expect((await readFile(log, 'utf8')).trim().split('\n')).toHaveLength(1);
    // The breaker opened after BREAKER_FAILURES failed messages (each with its retries).
    const attempted = new Set(rx.requests.map((r) => r.body.id));
    expect(attempted.size).toBe(BREAKER_FAILURES);
    const skipped = backlog.slice(BREAKER_FAILURES).map((a) => report.get(a.id)!.get('hook')!);
    expect(skipped.every((r) => !r.ok && /failed 3 times in a row/.test(r.error!))).toBe(true);
    await Promise.all([hook.close?.(), sms.close?.()]);
  });

  it('past the budget nothing more is attempted; what is left is reported undelivered', async () => {
    const hook = build({ name: 'hook', type: 'webhook', format: 'json', url: rx.url('/slow'), timeout: '5s' }).notifier;
    rx.script(...Array.from({ length: 10 }, () => ({ delayMs: 400 })));
    const alerts = Array.from({ length: 10 }, (_, i) => makeAlert({ id: `a-${i}` }));
    const report = await deliver(alerts, [hook], { budgetMs: 1_000 });
    const results = alerts.map((a) => report.get(a.id)!.get('hook')!);
    const done = results.filter((r) => r.ok).length;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(10);
    expect(results.filter((r) => !r.ok).every((r) => /budget|abort/i.test(r.error!))).toBe(true);
  });
});
