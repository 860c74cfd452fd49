import { readFile, writeFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLines, runCli } from '../helpers/cli.js';
import { haveRedis, startRedis, type RedisServer } from '../helpers/redis.js';
import { ago, makeWorld, rootLogin, until } from './harness.js';

const PASSWORD = 'restart-pass-4321';
// Persistent (append-only, synced per write): what a production Redis for state is configured as.
let redis: RedisServer;
const HAVE_REDIS = haveRedis();
beforeAll(async () => void (HAVE_REDIS && (redis = await startRedis({ password: PASSWORD, persist: true }))), 30_000);
afterAll(() => redis?.close());
const env = () => ({ AUDIT_REDIS_URL: redis.url });

async function redisWorld(prefix: string, rules: unknown[]) {
  const world = await makeWorld({ events: [rootLogin(ago(10_000))], rules });
  const config = JSON.parse(await readFile(world.config, 'utf8'));
  config.state = { ...config.state, backend: 'redis', url: '${AUDIT_REDIS_URL}', prefix, lease: '5s' };
  await writeFile(world.config, JSON.stringify(config, null, 2));
  return world;
}

describe.skipIf(!HAVE_REDIS)('state in Redis: the server goes away mid-run', () => {
  it('Redis restarted while a run delivers: that run exits 1 saying so, the next run completes, nothing lost or raised twice', async () => {
    const w = await redisWorld('restart:', [{ builtin: 'root-console-login' }]);
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    try {
      w.refuseHook(1, 'stall');
      const run = w.spawn(['check', '--output', 'json'], { env: env() });
      await until(() => w.receiver.requests.length === 1, 20_000);
      // Down for longer than the client's reconnection attempts: the run cannot save after delivering.
      await redis.restart({ downMs: 3_000 });
      const done = await run.done;
      expect(done.code, run.stderr()).toBe(1);
      // One line that says where and what, the URL without its password.
      expect(run.stderr()).toMatch(/^audit: redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: cannot save state \(.+\)$/m);
      expect(run.stderr()).not.toContain(PASSWORD);
      expect(run.stderr()).not.toMatch(/\n\s+at /); // no stack trace

      // Persisted before delivering: the alert waits in the outbox, in Redis, across the restart.
      await client.connect();
      expect(await client.hlen('restart:outbox')).toBe(1);
      const next = await w.check(['--output', 'json', '--lock-timeout', '30s'], { timeoutMs: 45_000, env: env() });
      expect(next.code, next.stderr).toBe(0);
      // Not raised again; re-sent (at least once): the failed run could not journal its delivery.
      expect(logLines(next.stderr).find((l) => l.msg === 'check done')).toMatchObject({ alerts: 0, delivered: 1, pending: 0 });
      expect(w.delivered().size).toBe(1);
      expect(await client.hlen('restart:outbox')).toBe(0);
    } finally {
      client.disconnect();
      await w.close();
    }
  }, 90_000);

  it('audit status, outbox list and rules baseline read the state from Redis', async () => {
    const w = await redisWorld('cli:', [{ builtin: 'root-console-login' }, { id: 'new-ip', when: { login: true }, firstSeen: { field: 'sourceIp', per: ['account'], learn: 0 } }]);
    try {
      w.refuseHook(5, 503);
      const first = await w.check(['--output', 'json'], { env: env() });
      expect(first.code, first.stderr).toBe(1); // the hook refused: pending
      const status = await runCli(['status', '--output', 'json', '--config', w.config], { env: env() });
      expect(status.code, status.stderr).toBe(0);
      const report = JSON.parse(status.stdout);
      expect(report.partitions.map((p: { partition: string }) => p.partition)).toEqual(['tencentcloud/100000000001/ap-guangzhou']);
      // What Redis holds, not a state file: the directory has none.
      const client = new Redis(redis.url);
      const held = await client.hlen('cli:outbox').finally(() => client.disconnect());
      expect(held).toBeGreaterThan(0);
      expect(report.outbox).toEqual({ alerts: held, pending: { hook: held } });
      expect(await w.readState()).toBeNull();
      expect(report.baselines).toEqual([{ rule: 'new-ip', groups: 1, values: 1 }]);
      const outbox = await runCli(['outbox', 'list', '--output', 'json', '--config', w.config], { env: env() });
      expect(outbox.stdout.trim().split('\n')).toHaveLength(held);
      const baseline = await runCli(['rules', 'baseline', 'new-ip', '--output', 'json', '--config', w.config], { env: env() });
      expect(baseline.code, baseline.stderr).toBe(0);
      expect(JSON.parse(baseline.stdout)).toMatchObject({ rule: 'new-ip', group: { account: '100000000001' }, values: [{ value: '203.0.113.10' }] });
      const reset = await runCli(['rules', 'baseline', 'new-ip', '--reset', '--config', w.config], { env: env() });
      expect(reset.stdout).toMatch(/forgot the baseline of new-ip/);
      const after = JSON.parse((await runCli(['status', '--output', 'json', '--config', w.config], { env: env() })).stdout);
      expect(after.baselines).toEqual([{ rule: 'new-ip', groups: 0, values: 0 }]);
      expect(status.stderr + outbox.stderr + baseline.stderr).not.toContain(PASSWORD);
    } finally {
      await w.close();
    }
  }, 60_000);
});
