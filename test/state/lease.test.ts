import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { isAuditError } from '../../src/errors.js';
import { stateBackend, type StateBackend } from '../../src/state/backend.js';
import type { Lease } from '../../src/state/lease.js';
import { redact } from '../../src/util/secrets.js';
import { haveRedis, startRedis, type RedisServer } from '../helpers/redis.js';
import { captureLogger, makeTmp } from './helpers.js';

const PASSWORD = 'pa55-w0rd-never-shown';
let redis: RedisServer;
let tmp: Awaited<ReturnType<typeof makeTmp>>;
const HAVE_REDIS = haveRedis();
beforeAll(async () => {
  if (!HAVE_REDIS) return;
  redis = await startRedis({ password: PASSWORD });
  tmp = await makeTmp();
}, 30_000);
afterAll(async () => {
  await redis?.close();
  await tmp?.cleanup();
});
const opened: StateBackend[] = [];
afterEach(async () => void (await Promise.all(opened.splice(0).map((b) => b.close()))));

let n = 0;
async function backendFor(prefix: string, leaseMs: number, url = redis.url) {
  const log = captureLogger();
  const b = await stateBackend({ backend: 'redis', url, prefix, lease: leaseMs }, { dir: tmp.dir, logger: log.logger, now: () => new Date() });
  opened.push(b);
  return Object.assign(b, { lines: log.lines });
}
/** Blocks this process's event loop, as a SIGSTOP or a long GC pause would: no timer, no renewal runs. */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe.skipIf(!HAVE_REDIS)('Redis leases with fencing', () => {
  it('a holder paused past its lease, whose lease another run took, cannot save or journal after it resumes', async () => {
    const prefix = `fence${++n}:`;
    const a = await backendFor(prefix, 600);
    const leaseA = await a.acquire(0);
    const storeA = await a.open({ readOnly: false, lock: leaseA! });
    storeA.markSeen('ev-a', '2024-05-01T10:00:00Z');
    pause(900);
    const b = await backendFor(prefix, 5_000);
    const leaseB = await b.acquire(0);
    expect(leaseB).not.toBeNull();
    expect(Number((leaseB as unknown as Lease).token)).toBeGreaterThan(Number((leaseA as unknown as Lease).token));
    const storeB = await b.open({ readOnly: false, lock: leaseB! });
    storeB.markSeen('ev-b', '2024-05-01T10:00:00Z');
    await storeB.save();

    storeA.journalDelivered('al-x', 'webhook');
    const err = await storeA.save().then(() => undefined, (e) => e);
    expect(isAuditError(err, 'E_STATE'), String(err)).toBe(true);
    await leaseA!.release(); // must not free B's lease
    const c = await backendFor(prefix, 5_000);
    expect(await c.acquire(0)).toBeNull();
    const seen = await c.open({ readOnly: true });
    expect([seen.hasSeen('ev-a'), seen.hasSeen('ev-b')]).toEqual([false, true]);
    await leaseB!.release();
  });

  it('a lease that lapsed with nobody taking it still refuses the old holder\'s save (the token is checked in the write)', async () => {
    const a = await backendFor(`lapse${++n}:`, 300);
    const lease = await a.acquire(0);
    const store = await a.open({ readOnly: false, lock: lease! });
    store.setCheckpoint('p', new Date('2024-05-01T10:00:00Z'));
    pause(500);
    await expect(store.save()).rejects.toMatchObject({ code: 'E_STATE', message: expect.stringMatching(/not saved/) });
  });

  it('active and standby: the standby waits while the holder renews, and takes over within the lease after it dies', async () => {
    const prefix = `standby${++n}:`;
    const active = await backendFor(prefix, 1_000);
    expect(await active.acquire(0)).not.toBeNull();
    const standby = await backendFor(prefix, 1_000);
    // Renewed every third of the lease: after three leases it is still held.
    expect(await standby.acquire(3_000)).toBeNull();
    expect(await standby.holder()).toMatchObject({ pid: process.pid, since: expect.any(String) });
    // The active one dies: its connection drops without releasing, no renewal comes.
    await active.close();
    const started = Date.now();
    const taken = await standby.acquire(5_000);
    expect(taken).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(1_000 + 700);
    await taken!.release();
  });

  it('the URL password is registered as a secret and shows in no error or log line', async () => {
    const url = `redis://:${PASSWORD}@127.0.0.1:${redis.port}/0`;
    const config = parseConfig(JSON.stringify({ state: { backend: 'redis', url: '${REDIS_URL}' } }), { REDIS_URL: url }, 'test.yaml');
    expect(config.state).toMatchObject({ backend: 'redis', url, prefix: 'audit:', lease: 30_000 });
    expect(redact(`connecting to ${url}`)).not.toContain(PASSWORD);

    const wrong = `redis://:${PASSWORD}-nope@127.0.0.1:${redis.port}/0`;
    const bad = await backendFor(`secret${++n}:`, 5_000, wrong);
    const err = await bad.acquire(0).then(() => undefined, (e) => e);
    expect(isAuditError(err, 'E_STATE'), String(err)).toBe(true);
    expect(String(err.message)).not.toContain(PASSWORD);
    expect(String(err.message)).toContain('127.0.0.1');

    const down = await backendFor(`secret${++n}:`, 5_000, `redis://:${PASSWORD}@127.0.0.1:1/0`);
    const err2 = await down.acquire(0).then(() => undefined, (e) => e);
    expect(err2?.code).toBe('E_STATE');
    expect(String(err2.message)).not.toContain(PASSWORD);
    expect(JSON.stringify([...bad.lines(), ...down.lines()])).not.toContain(PASSWORD);
  });

  it('rejects a state.url that is not redis:// or rediss://, and backend: redis without a url, naming the path', () => {
    const issues = (state: unknown) => {
      try {
        parseConfig(JSON.stringify({ state }), {}, 'c.yaml');
      } catch (err) {
        return isAuditError(err, 'E_CONFIG') ? err.issues.join('\n') : String(err);
      }
      return '';
    };
    expect(issues({ backend: 'redis', url: 'http://x' })).toMatch(/state\.url/);
    expect(issues({ backend: 'redis' })).toMatch(/state\.url/);
    expect(issues({ backend: 'redis', url: 'redis://h', lease: '1s' })).toMatch(/state\.lease/);
    expect(issues({ backend: 'etcd' })).toMatch(/state\.backend/);
  });
});
