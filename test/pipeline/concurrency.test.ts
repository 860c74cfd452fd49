import { describe, expect, it } from 'vitest';
import { jsonLines, logLines } from '../helpers/cli.js';
import { ago, makeWorld, quietCall, rootLogin, until, type World, type WorldOptions } from './harness.js';

async function withWorld(opts: WorldOptions, body: (w: World) => Promise<void>): Promise<void> {
  const world = await makeWorld(opts);
  try {
    await body(world);
  } finally {
    await world.close();
  }
}

const rules = [{ builtin: 'root-console-login' }];

// Independent worlds: run side by side to keep the file's wall time near its slowest test
// (a SIGKILLed run leaves its lock behind for LOCK_STALE_MS, 10 s).
describe.concurrent('audit check: concurrent and interrupted runs', () => {
  it('three checks started together on one state dir raise a root login once', async () => {
    const login = rootLogin(ago(20_000));
    // Each answer takes a while, so the runs overlap and the later ones wait for the lock.
    await withWorld({ events: [login, quietCall(ago(40_000))], rules, emulator: { latencyMs: 400 } }, async (w) => {
      const runs = await Promise.all([0, 1, 2].map(() => w.check(['--output', 'json'])));
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      const printed = runs.flatMap((r) => jsonLines(r.stdout));
      expect(printed.map((a) => a.event.id)).toEqual([login.EventId]);
      expect([...w.delivered()]).toEqual([[printed[0].id, 1]]);
      const summaries = runs.map((r) => logLines(r.stderr).find((l) => l.msg === 'check done'));
      expect(summaries.map((s) => s?.alerts ?? 0).sort()).toEqual([0, 0, 1]);
    });
  });

  it('a run that cannot get the lock within --lock-timeout stands down with a warning naming the holder, exit 0', async () => {
    const login = rootLogin(ago(20_000));
    await withWorld({ events: [login], rules, emulator: { latencyMs: 1_500 }, source: { timeout: '5s' } }, async (w) => {
      const holder = w.spawn(['check', '--output', 'json']);
      // The lock is taken before the first API call.
      await until(() => w.emulator.requests.length === 1);
      const skipped = await w.check(['--output', 'json', '--lock-timeout', '0s']);
      expect(skipped.code, skipped.stderr).toBe(0);
      expect(skipped.stdout).toBe('');
      const [line, ...rest] = logLines(skipped.stderr);
      expect(rest).toEqual([]);
      expect(line).toMatchObject({ level: 'warn', msg: 'another audit run holds the state lock; this run stands down', holderPid: expect.any(Number) });
      const held = await holder.done;
      expect(held.code, held.stderr).toBe(0);
      expect(jsonLines(held.stdout).map((a) => a.event.id)).toEqual([login.EventId]);
      expect(w.emulator.requests).toHaveLength(1);
    });
  });

  it('a run SIGKILLed after its first page loses no alert; the next run takes over the stale lock', async () => {
    const now = Date.now();
    const logins = [rootLogin(ago(5_000, now)), rootLogin(ago(400_000, now), { sourceIp: '198.51.100.7' })];
    const filler = Array.from({ length: 120 }, (_, i) => quietCall(ago(10_000 + i * 3_000, now)));
    await withWorld({ events: [logins[0], ...filler, logins[1]], rules, emulator: { latencyMs: 300 } }, async (w) => {
      const doomed = w.spawn(['check', '--output', 'json']);
      await until(() => w.emulator.requests[0]?.httpStatus === 200 && w.emulator.requests.length >= 2);
      doomed.child.kill('SIGKILL');
      const killed = await doomed.done;
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.stdout).toBe('');

      const next = await w.check(['--output', 'json', '--lock-timeout', '30s'], { timeoutMs: 45_000 });
      expect(next.code, next.stderr).toBe(0);
      expect(jsonLines(next.stdout).map((a) => a.event.id).sort()).toEqual(logins.map((l) => l.EventId).sort());
      expect(await w.checkpoint()).toBeDefined();

      const after = await w.check(['--output', 'json']);
      expect(after.code, after.stderr).toBe(0);
      expect(after.stdout).toBe('');
      expect([...w.delivered().values()]).toEqual([1, 1]);
    });
  });

  it('a run SIGKILLed while delivering: the next run re-sends from the outbox and raises nothing new', async () => {
    const login = rootLogin(ago(10_000));
    await withWorld({ events: [login], rules }, async (w) => {
      // The webhook never answers the first request: the run is stuck after saving its state.
      w.refuseHook(1, 'stall');
      const doomed = w.spawn(['check', '--output', 'json']);
      await until(() => w.receiver.requests.length === 1);
      doomed.child.kill('SIGKILL');
      const killed = await doomed.done;
      expect(killed.signal).toBe('SIGKILL');
      // Saved before delivering: the alert is recorded as raised and waits in the outbox.
      const saved = await w.readState();
      expect(saved?.outbox.map((e) => e.alert.event.id)).toEqual([login.EventId]);
      const alertId = saved!.outbox[0].alert.id;
      expect(saved?.alerts.map(([id]) => id)).toEqual([alertId]);

      const next = await w.check(['--output', 'json', '--lock-timeout', '30s'], { timeoutMs: 45_000 });
      expect(next.code, next.stderr).toBe(0);
      expect(next.stdout).toBe('');
      expect(logLines(next.stderr).find((l) => l.msg === 'check done')).toMatchObject({ alerts: 0, delivered: 1, pending: 0 });
      expect((await w.readState())?.outbox).toEqual([]);
      // The stalled request never got an answer; the re-send is the one delivery.
      expect(w.receiver.requests.map((r) => r.body.id)).toEqual([alertId, alertId]);
      expect([...w.delivered()]).toEqual([[alertId, 1]]);
    });
  });
});

describe('the delivery journal', () => {
  it('a run SIGKILLed mid-delivery: the next run re-sends only the delivery that was in flight', async () => {
    const logins = [0, 1, 2, 3].map((i) => rootLogin(ago(60_000 - i * 1000), { sourceIp: `198.51.100.${i + 1}` }));
    await withWorld({ events: logins, rules }, async (w) => {
      // Two answered at once, the third never: the run is killed while it waits.
      w.receiver.script({ status: 200, body: {} }, { status: 200, body: {} }, { stall: true });
      const doomed = w.spawn(['check']);
      await until(() => w.receiver.requests.length === 3);
      doomed.child.kill('SIGKILL');
      expect((await doomed.done).signal).toBe('SIGKILL');

      const next = await w.check(['--lock-timeout', '30s'], { timeoutMs: 45_000 });
      expect(next.code, next.stderr).toBe(0);
      expect(logLines(next.stderr).find((l) => l.msg === 'check done')).toMatchObject({ alerts: 0, delivered: 2, pending: 0 });
      const sent = w.receiver.requests.map((r) => r.body.id as string);
      const twice = sent.filter((id, i) => sent.indexOf(id) !== i);
      expect(twice).toEqual([sent[2]]); // only the stalled one went out again
      expect(w.delivered().size).toBe(4);
      expect((await w.readState())?.outbox).toEqual([]);
    });
  });
});

describe('a lock held for long', () => {
  it('a run that finds the lock held for more than 10 minutes says so at error level', async () => {
    await withWorld({ events: [] }, async (w) => {
      const { acquireLock, HOLDER_FILE } = await import('../../src/state/lock.js');
      const { createLogger } = await import('../../src/util/logger.js');
      const lock = await acquireLock(w.stateDir, { timeoutMs: 0, logger: createLogger('silent') });
      const { writeFile } = await import('node:fs/promises');
      const { join } = await import('node:path');
      await writeFile(join(w.stateDir, HOLDER_FILE), JSON.stringify({ pid: 4242, since: new Date(Date.now() - 25 * 60_000).toISOString() }));
      try {
        const r = await w.check(['--lock-timeout', '0s']);
        expect(r.code, r.stderr).toBe(0);
        expect(logLines(r.stderr)).toEqual([expect.objectContaining({ level: 'error', holderPid: 4242, msg: expect.stringMatching(/held it for 25 minutes/) })]);
        expect(w.emulator.requests).toHaveLength(0);
      } finally {
        await lock?.release();
      }
    });
  });
});
