import { readFile, writeFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLines } from '../helpers/cli.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { ago, makeWorld, rootLogin, until, type World, type WorldOptions } from './harness.js';

const PASSWORD = 'failover-pass-9876';
let redis: RedisServer;
beforeAll(async () => void (redis = await startRedis({ password: PASSWORD })), 30_000);
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

describe.concurrent('state in Redis: audit check and watch', () => {
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

  it('two watchers on one Redis: one runs each tick, the other stands down; SIGKILL one and the other carries on within the lease, nothing raised twice', async () => {
    const first = rootLogin(ago(20_000));
    await withRedisWorld({ events: [first], rules, source: { lateness: '2m' } }, async (w, prefix, client) => {
      const args = ['watch', '--schedule', '* * * * * *', '--lock-timeout', '0s'];
      const watchers = [w.spawn(args, { env: env() }), w.spawn(args, { env: env() })];
      try {
        // Killed once its run is over: one killed mid-delivery re-sends what was in flight (at least once).
        const deliveredBy = (p: (typeof watchers)[number]) => logLines(p.stderr()).some((l) => l.msg === 'check done' && l.delivered === 1);
        await until(() => watchers.some(deliveredBy), 20_000);
        const active = watchers.find(deliveredBy)!;
        const standby = watchers.find((p) => p !== active)!;
        await until(() => /stands down/.test(standby.stderr() + active.stderr()), 10_000);
        active.child.kill('SIGKILL');
        await active.done;
        const killedAt = Date.now();
        w.emulator.addEvents([rootLogin(ago(1_000), { sourceIp: '198.51.100.77' })]);
        await until(() => w.delivered().size === 2, 20_000);
        // The lease (5s) plus a tick and a run.
        expect(Date.now() - killedAt).toBeLessThan(5_000 + 4_000);
        expect([...w.delivered().values()]).toEqual([1, 1]);
        expect(JSON.parse((await client.get(`${prefix}holder`))!).pid).toBe(standby.child.pid);
        expect(standby.stderr() + active.stderr()).not.toContain(PASSWORD);
      } finally {
        for (const p of watchers) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
        await Promise.all(watchers.map((p) => p.done));
      }
    });
  }, 60_000);
});
