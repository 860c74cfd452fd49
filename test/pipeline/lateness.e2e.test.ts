import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCheck, type CheckSummary } from '../../src/pipeline.js';
import { LEARN_MS } from '../../src/sources/lateness.js';
import { startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY, type Emulator } from '../helpers/emulator/index.js';
import { inProcessCheck } from '../helpers/in-process.js';
import { quietCall, rootLogin } from './harness.js';

let emulator: Emulator | undefined;
let work: string | undefined;
afterEach(async () => {
  await emulator?.close();
  if (work) await rm(work, { recursive: true, force: true });
  emulator = work = undefined;
});

const MIN = 60_000;

/**
 * Cron runs once a simulated minute against the emulator, whose events show up on the same
 * clock: most 5 s after their time, every tenth 50 s after it, and one root sign-in 14 minutes
 * after it, once the first hour of observing (re-reading all of lateness) is over.
 */
describe('re-reads follow observed lateness (lateness 15m)', () => {
  it('after an hour of observing, runs re-read 1.5 x the lateness seen instead of all 15 minutes; an event 14 minutes late is still raised once', async () => {
    const t0 = Math.floor((Date.now() - 4 * 60 * MIN) / MIN) * MIN;
    let clock = t0;
    emulator = await startEmulator({ arrivalClock: () => new Date(clock) });
    for (let t = t0 - 20 * MIN; t < t0 + 130 * MIN; t += 20_000) {
      const slow = ((t - t0) / 20_000) % 10 === 0;
      emulator.addEvents([quietCall(new Date(t))], new Date(t + (slow ? 50_000 : 5_000)));
    }
    const loginAt = t0 + LEARN_MS + 30 * MIN + 30_000;
    const login = rootLogin(new Date(loginAt), { sourceIp: '203.0.113.7' });
    emulator.addEvents([login], new Date(loginAt + 14 * MIN));

    work = await mkdtemp(join(tmpdir(), 'audit-lateness-'));
    const source = { endpoint: emulator.url, credentials: { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY }, lateness: '15m' };
    const check = inProcessCheck(work, { source }, () => new Date(clock));
    const { deps, loaded, req } = check;

    const runs: (CheckSummary & { at: number; raised: string[] })[] = [];
    for (clock = t0; clock <= t0 + 125 * MIN; clock += MIN) {
      const r = await runCheck(deps, loaded, req);
      expect(r.code).toBe(0);
      runs.push({ ...r.summary!, at: clock, raised: check.take().map((a) => a.event.id) });
    }

    // Raised once, by the first run after it showed up that reached back to it: the sweep.
    const raisedBy = runs.filter((r) => r.raised.includes(login.EventId));
    expect(raisedBy).toHaveLength(1);
    expect(raisedBy[0].at).toBeGreaterThanOrEqual(loginAt + 14 * MIN);
    expect(raisedBy[0].at).toBeLessThanOrEqual(loginAt + 14 * MIN + 8 * MIN);

    // Learning: all of lateness is re-read (16 minutes of events, 3 a minute), and the lateness is measured
    // behind each previous checkpoint (20 s or 40 s on this grid).
    const learning = runs.filter((r) => r.at > t0 + 20 * MIN && r.at < t0 + LEARN_MS);
    for (const r of learning) expect(r.events).toBeGreaterThanOrEqual(45);
    expect(learning.at(-1)!.lateMs).toBe(40_000);
    expect(learning.at(-1)!.refetchMs).toBe(15 * MIN);

    // After it: 1.5 x the observed lateness re-read (60 s), the settled band swept every 5 minutes:
    // 1 + 1 + 1 minutes of events a minute, against 16 before.
    const steady = runs.filter((r) => r.at >= t0 + LEARN_MS + 10 * MIN && r.at < loginAt);
    expect(steady.length).toBeGreaterThanOrEqual(10);
    for (const r of steady) expect(r.refetchMs).toBe(60_000);
    const fetched = steady.reduce((n, r) => n + r.events, 0);
    const occurred = steady.length * 3;
    expect(fetched / occurred).toBeGreaterThan(1.5);
    expect(fetched / occurred).toBeLessThan(3.2);
    // Every event was seen: new events over the steady runs are what occurred (give or take the edges).
    expect(Math.abs(steady.reduce((n, r) => n + r.new, 0) - occurred)).toBeLessThanOrEqual(3);

    // --since is a range of its own: no re-read to report.
    const explicit = await runCheck(deps, loaded, { ...req, since: new Date(clock - 5 * MIN) });
    expect(explicit.summary).not.toHaveProperty('refetchMs');
    expect(runs.at(-1)).toHaveProperty('refetchMs');
  }, 120_000);
});
