import { readFile, writeFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLines } from '../helpers/cli.js';
import { haveRedis, startRedis, type RedisServer } from '../helpers/redis.js';
import { ago, makeWorld, rootLogin, until, type World, type WorldOptions } from './harness.js';

const PASSWORD = 'failover-pass-9876';
let redis: RedisServer;
const HAVE_REDIS = haveRedis();
beforeAll(async () => void (HAVE_REDIS && (redis = await startRedis({ password: PASSWORD }))), 30_000);
afterAll(() => redis?.close());

let n = 0;
/** The harness's world, with its state moved to the test's Redis under a prefix of its own. */
async function withRedisWorld(opts: WorldOptions, body: (w: World, prefix: string, client: Redis) => Promise<void>): Promise<void> {
  const world = await makeWorld(opts);
  const prefix = `e2e${++n}:`;
  const config = JSON.parse(await readFile(world.config, 'utf8'));
  config.state = { ...config.state, backend: 'redis', url: '${AUDIT_REDIS_URL}', prefix, lease: '5s' };
  await writeFile(world.config, JSON.stringify(config, null, 2));
  const client = new Redis(redis.url, { lazyConnect: true });
  await client.connect();
  try {
    await body(world, prefix, client);
  } finally {
    client.disconnect();
    await world.close();
  }
}
const env = () => ({ AUDIT_REDIS_URL: redis.url });
const rules = [{ builtin: 'root-console-login' }];

(HAVE_REDIS ? describe.concurrent : describe.skip)('state in Redis: audit check and watch', () => {
  it('a run SIGKILLed after persisting, before delivering: the next run (after the lease lapses) re-sends from the outbox and raises nothing twice', async () => {
    const login = rootLogin(ago(10_000));
    await withRedisWorld({ events: [login], rules }, async (w, prefix, client) => {
      w.refuseHook(1, 'stall');
      const doomed = w.spawn(['check', '--output', 'json'], { env: env() });
      await until(() => w.receiver.requests.length === 1);
      doomed.child.kill('SIGKILL');
      expect((await doomed.done).signal).toBe('SIGKILL');
      // Persisted before delivering: raised, and waiting in the outbox in Redis.
      const outbox = await client.hkeys(`${prefix}outbox`);
      expect(outbox).toHaveLength(1);
      expect(await client.zrange(`${prefix}alerts`, '0', '-1')).toEqual(outbox);
      await expect(w.readState()).resolves.toBeNull();

      const next = await w.check(['--output', 'json', '--lock-timeout', '30s'], { timeoutMs: 45_000, env: env() });
      expect(next.code, next.stderr).toBe(0);
      expect(next.stdout).toBe('');
      expect(logLines(next.stderr).find((l) => l.msg === 'check done')).toMatchObject({ alerts: 0, delivered: 1, pending: 0 });
      expect(await client.hlen(`${prefix}outbox`)).toBe(0);
      expect([...w.delivered()]).toEqual([[outbox[0], 1]]);
      expect(next.stderr + doomed.stderr()).not.toContain(PASSWORD);
    });
  });

  it('two watchers on one Redis: one active, the other a standby that runs no check; SIGKILL the active one mid-delivery and the standby takes over within the lease, every alert delivered, none raised twice', async () => {
    const first = rootLogin(ago(20_000));
    await withRedisWorld({ events: [first], rules, source: { lateness: '2m' } }, async (w, prefix, client) => {
      const args = ['watch', '--schedule', '* * * * * *', '--lock-timeout', '0s'];
      // The active watcher's first delivery hangs: it is killed while delivering.
      w.refuseHook(1, 'stall');
      const watchers = [w.spawn(args, { env: env() }), w.spawn(args, { env: env() })];
      try {
        const checks = (p: (typeof watchers)[number]) => logLines(p.stderr()).filter((l) => l.msg === 'check done');
        await until(() => w.receiver.requests.length === 1, 20_000);
        const holder = JSON.parse((await client.get(`${prefix}holder`))!).pid;
        const active = watchers.find((p) => p.child.pid === holder)!;
        const standby = watchers.find((p) => p !== active)!;
        await until(() => /standby: another watcher holds the state lease/.test(standby.stderr()), 10_000);
        expect(checks(standby)).toEqual([]);
        active.child.kill('SIGKILL');
        await active.done;
        const killedAt = Date.now();
        // The standby takes over and sends what the active one had persisted before delivering.
        await until(() => w.delivered().size === 1, 20_000);
        // The lease (5s), the standby's poll (0.5s) and one run.
        expect(Date.now() - killedAt).toBeLessThan(5_000 + 3_500);
        expect(logLines(standby.stderr()).some((l) => l.msg === 'took over the state lease: this watcher is now active')).toBe(true);
        // Active now, it keeps the lease between ticks and raises what comes next, once.
        w.emulator.addEvents([rootLogin(ago(1_000), { sourceIp: '198.51.100.77' })]);
        await until(() => w.delivered().size === 2, 20_000);
        await until(() => checks(standby).length >= 4, 10_000);
        expect([...w.delivered().values()]).toEqual([1, 1]);
        expect(JSON.parse((await client.get(`${prefix}holder`))!).pid).toBe(standby.child.pid);
        expect(standby.stderr() + active.stderr()).not.toContain(PASSWORD);
        // Stopped, the active watcher hands the lease back at once.
        standby.child.kill('SIGTERM');
        expect((await standby.done).code).toBe(0);
        expect(await client.exists(`${prefix}lease`)).toBe(0);
      } finally {
        for (const p of watchers) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
        await Promise.all(watchers.map((p) => p.done));
      }
    });
  }, 60_000);

  it('a holder paused (SIGSTOP) past its lease mid-delivery writes and sends nothing once resumed: the standby delivered once, the outbox stays empty', async () => {
    const login = rootLogin(ago(20_000));
    await withRedisWorld({ events: [login], rules, source: { lateness: '2m' } }, async (w, prefix, client) => {
      const args = ['watch', '--schedule', '* * * * * *', '--lock-timeout', '0s'];
      w.refuseHook(1, 'stall');
      const paused = w.spawn(args, { env: env() });
      await until(() => w.receiver.requests.length === 1, 20_000);
      const standby = w.spawn(args, { env: env() });
      try {
        paused.child.kill('SIGSTOP');
        // The standby waits out the lease, takes over and delivers what the paused one had persisted.
        await until(() => [...w.delivered().values()].includes(1), 20_000);
        await until(() => logLines(standby.stderr()).some((l) => l.msg === 'check done' && l.delivered === 1), 5_000);
        expect(await client.hlen(`${prefix}outbox`)).toBe(0);
        paused.child.kill('SIGCONT');
        // Resumed, its delivery times out and its save is refused: the state is not put back.
        await until(() => /not saved, the state lease/.test(paused.stderr()), 20_000);
        // Its next tick finds the lease taken: it waits as a standby.
        await until(() => /standby: another watcher holds the state lease/.test(paused.stderr()), 10_000);
        expect(await client.hlen(`${prefix}outbox`)).toBe(0);
        expect(JSON.parse((await client.get(`${prefix}holder`))!).pid).toBe(standby.child.pid);
        expect([...w.delivered().values()]).toEqual([1]);
        expect(paused.stderr() + standby.stderr()).not.toContain(PASSWORD);
      } finally {
        paused.child.kill('SIGCONT');
        for (const p of [paused, standby]) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
        await Promise.all([paused.done, standby.done]);
      }
    });
  }, 90_000);
});
