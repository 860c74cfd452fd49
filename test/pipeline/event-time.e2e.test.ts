import { mkdir, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLines, logLines, runCli } from '../helpers/cli.js';
import { makeEvent } from '../helpers/emulator/index.js';
import { ago, makeWorld, quietCall, rootLogin, type World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const KEY = 'AKIDPROBING0000000000000000000000000';
/** `n` permission failures from one key, `spacingMs` apart, the first at `first`. */
const denied = (n: number, first: number, spacingMs: number) =>
  Array.from({ length: n }, (_, i) =>
    makeEvent({ name: 'DescribeInstances', time: new Date(first + i * spacingMs), actorType: 'CAMUser', secretId: KEY, errorCode: 'UnauthorizedOperation' }),
  );
const byRule = (stdout: string, rule: string) => jsonLines(stdout).filter((a) => a.rule.id === rule);
const summary = (stderr: string) => logLines(stderr).find((l) => l.msg === 'check done')!;

describe('window rules on event time: the cases that used to lose alerts', () => {
  it('a burst 12 minutes before the first check alerts (it used to be marked seen with 0 alerts)', async () => {
    const now = Date.now();
    world = await makeWorld({ events: denied(25, now - 12 * 60_000, 2_000) });
    const first = await world.check(['--output', 'json']);
    expect(first.code, first.stderr).toBe(0);
    expect(summary(first.stderr)).toMatchObject({ events: 25, new: 25 });
    // Also failed-calls-spike: 25 failures after none is a spike, as the seed defines it.
    const [alert, ...more] = byRule(first.stdout, 'access-denied-burst');
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ count: expect.any(Number), group: { 'actor.accessKeyId': KEY } });
    expect(alert.count).toBeGreaterThanOrEqual(20);
    expect((await world.check(['--output', 'json'])).stdout).toBe('');
  });

  it('a replay of the sample events raises the burst and the spike, whatever --until says', async () => {
    for (const until of ['2026-11-22T10:25:00Z', '2026-11-22T10:31:00Z']) {
      const r = await runCli(['check', '--input', 'examples/events.ndjson', '--no-state', '--since', '2026-11-22T10:00:00Z', '--until', until, '--output', 'json'], {
        cwd: process.cwd(),
        env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent' },
      });
      expect(r.code, r.stderr).toBe(0);
      const rules = new Set(jsonLines(r.stdout).map((a) => a.rule.id));
      expect(rules, until).toContain('access-denied-burst');
      expect(rules, until).toContain('failed-calls-spike');
    }
  });

  it('a burst that becomes visible 6 minutes late (within lateness) alerts on the run that sees it, once', async () => {
    world = await makeWorld({ events: [quietCall(ago(30_000))] });
    expect((await world.check(['--output', 'json'])).stdout).toBe('');
    world.emulator.addEvents(denied(25, Date.now() - 7 * 60_000, 2_000));
    const late = await world.check(['--output', 'json']);
    expect(late.code, late.stderr).toBe(0);
    const [alert, ...more] = byRule(late.stdout, 'access-denied-burst');
    expect(more).toEqual([]);
    expect((await world.check(['--output', 'json'])).stdout).toBe('');
    expect(world.delivered().get(alert.id)).toBe(1);
    expect([...world.delivered().values()].every((n) => n === 1)).toBe(true);
  });

  it('an API outage longer than the window with a burst inside: alerted after recovery, once', async () => {
    const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 40 * 60_000;
    const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
    world = await makeWorld({ events: [quietCall(new Date(t0 - 60_000)), ...denied(25, t0 + 3 * 60_000, 2_000)] });
    expect((await world.check(['--until', at(0), '--output', 'json'])).code).toBe(0);
    for (let m = 1; m <= 7; m++) {
      world.emulator.failNext(2, { httpStatus: 503 }); // both attempts of the run's one listing
      const down = await world.check(['--until', at(m), '--output', 'json']);
      expect(down.code, down.stderr).toBe(1);
      expect(down.stdout).toBe('');
    }
    const recovered = await world.check(['--until', at(8), '--output', 'json']);
    expect(recovered.code, recovered.stderr).toBe(0);
    const alerts = byRule(recovered.stdout, 'access-denied-burst');
    expect(alerts).toHaveLength(1);
    expect(Date.parse(alerts[0].window.end)).toBeGreaterThan(t0 + 3 * 60_000);
    const after = await world.check(['--until', at(9), '--output', 'json']);
    expect(after.stdout).toBe('');
    expect(world.delivered().get(alerts[0].id)).toBe(1);
    expect([...world.delivered().values()].every((n) => n === 1)).toBe(true);
  });

  it('cron runs keep window history in the state and fetch only from the checkpoint minus lateness', async () => {
    world = await makeWorld({ events: [quietCall(ago(30_000))], source: { lateness: '2m' } });
    expect((await world.check([])).code).toBe(0);
    const state = await world.readState();
    expect(state?.windows.map(([id]) => id).sort()).toEqual(['access-denied-burst', 'failed-calls-spike', 'root-login-new-ip']);
    const before = world.emulator.requests.length;
    const checkpoint = Date.parse((await world.checkpoint())!);
    expect((await world.check([])).code).toBe(0);
    const [request] = world.emulator.requests.slice(before);
    // failed-calls-spike looks back 10 minutes; with its history saved the run starts at checkpoint - 2m.
    expect(Number(request.params.StartTime) * 1000).toBeGreaterThanOrEqual(checkpoint - 2 * 60_000 - 1_000);
  });
});

describe('upgrading from a 0.1 state directory', () => {
  it('neither re-raises an alert nor skips an event, and delivers what was pending', async () => {
    const now = Date.now();
    const old = rootLogin(ago(5 * 60_000, now), { sourceIp: '198.51.100.1' });
    const fresh = rootLogin(ago(30_000, now), { sourceIp: '198.51.100.2' });
    world = await makeWorld({ events: [old, fresh], rules: [{ builtin: 'root-console-login' }] });
    // What 0.1.0 wrote after a run 2 minutes ago that raised `old` and could not deliver it.
    const first = await world.check(['--until', new Date(now - 2 * 60_000).toISOString(), '--dry-run', '--output', 'json']);
    const [pending] = jsonLines(first.stdout);
    expect(pending.event.id).toBe(old.EventId);
    const iso = (ms: number) => new Date(ms).toISOString();
    await mkdir(world.stateDir, { recursive: true });
    await writeFile(
      world.stateFile,
      JSON.stringify({
        version: 1,
        savedAt: iso(now - 2 * 60_000),
        checkpoints: [['tencentcloud/ap-guangzhou', iso(now - 2 * 60_000)]],
        seen: [[old.EventId, pending.event.time]],
        alerts: [[pending.id, pending.time]],
        suppression: [],
        outbox: [{ alert: pending, addedAt: iso(now - 2 * 60_000), pending: [{ notifier: 'hook', attempts: 1, lastError: 'HTTP 503', lastAttemptAt: iso(now - 2 * 60_000) }] }],
      }),
    );
    const upgraded = await world.check(['--output', 'json']);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(jsonLines(upgraded.stdout).map((a) => a.event.id)).toEqual([fresh.EventId]);
    expect(logLines(upgraded.stderr).some((l) => /migrated to version 2/.test(String(l.msg)))).toBe(true);
    expect([...world.delivered().keys()].sort()).toEqual([pending.id, jsonLines(upgraded.stdout)[0].id].sort());
    expect((await world.readState())?.version).toBe(2);
  });
});
