import { afterEach, describe, expect, it } from 'vitest';
import { logLines } from '../helpers/cli.js';
import { ago, makeWorld, rootLogin, until, type World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const LATENCY_MS = 1_200;

describe('audit watch', () => {
  it('every-second ticks never overlap, a failing tick is survived, SIGTERM finishes the check and exits 0', async () => {
    const login = rootLogin(ago(20_000));
    // Each check makes one API call that takes longer than the schedule's interval.
    world = await makeWorld({ events: [login], rules: [{ builtin: 'root-console-login' }], emulator: { latencyMs: LATENCY_MS }, source: { timeout: '5s' } });
    const w = world;
    const proc = w.spawn(['watch', '--schedule', '* * * * * *'], { timeoutMs: 50_000 });
    const logs = () => logLines(proc.stderr());
    const count = (msg: string) => logs().filter((l) => l.msg === msg).length;

    await proc.waitFor('"msg":"check done"');
    await proc.waitFor('skipping this tick');
    // A tick that fails (a request the API rejects) is logged, and later ticks go on.
    w.emulator.failNext(1, { code: 'InvalidParameterValue', message: 'Emulated rejection.' });
    await proc.waitFor('check failed; the next tick retries');
    const doneBefore = count('check done');
    await until(() => count('check done') > doneBefore);

    // Stop while a check is waiting for its API answer: it must finish first.
    await until(() => w.emulator.requests.at(-1)?.httpStatus === 0);
    const requestsAtStop = w.emulator.requests.length;
    const doneAtStop = count('check done');
    proc.child.kill('SIGTERM');
    const result = await proc.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.signal).toBeNull();

    const lines = logLines(result.stderr);
    expect(lines.some((l) => l.msg === 'stopping after the check in progress' && l.signal === 'SIGTERM'), result.stderr).toBe(true);
    expect(count('check done'), result.stderr).toBe(doneAtStop + 1);
    expect(lines.at(-1)?.msg).toBe('stopped');
    // One summary line per completed tick; no tick ever waited for another's lock.
    expect(lines.filter((l) => /another run holds the state lock/.test(String(l.msg)))).toEqual([]);
    expect(w.emulator.requests.length).toBe(requestsAtStop);
    // Serial ticks: each request arrives only after the previous one was answered (>= latency later).
    const arrivals = w.emulator.requests.map((r) => r.time.getTime());
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i] - arrivals[i - 1]).toBeGreaterThanOrEqual(LATENCY_MS - 50);

    const state = await w.readState();
    expect(state?.checkpoints.map(([p]) => p)).toEqual(['tencentcloud/100000000001/ap-guangzhou']);
    expect(Date.parse(state!.checkpoints[0][1])).toBeGreaterThan(Date.parse(state!.savedAt) - 10_000);
    expect([...w.delivered().values()]).toEqual([1]);
    expect(state?.alerts).toHaveLength(1);
  });

  it('runs its first check at start, not at the first schedule boundary', async () => {
    world = await makeWorld({ events: [rootLogin(ago(20_000))], rules: [{ builtin: 'root-console-login' }] });
    // Once a year: a check within seconds can only be the one at start.
    const proc = world.spawn(['watch', '--schedule', '0 0 1 1 *'], { timeoutMs: 30_000 });
    await proc.waitFor('"msg":"check done"');
    proc.child.kill('SIGTERM');
    const result = await proc.done;
    expect(result.code, result.stderr).toBe(0);
    expect([...world.delivered().values()]).toEqual([1]);
  });

  it('an invalid --schedule is a usage error (exit 2) before any API call', async () => {
    world = await makeWorld();
    const result = await world.spawn(['watch', '--schedule', 'every minute']).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--schedule: invalid cron expression/);
    expect(world.emulator.requests).toHaveLength(0);
  });
});
