import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isAuditError } from '../../src/errors.js';
import { stateBackend, type StateBackend } from '../../src/state/backend.js';
import type { StateStore } from '../../src/state/index.js';
import { haveRedis, startRedis, type RedisServer } from '../helpers/redis.js';
import { captureLogger, makeTmp, manualClock, sampleAlert } from './helpers.js';

/** The one state interface, held to the same contract by both backends. */
let redis: RedisServer;
const HAVE_REDIS = haveRedis();
beforeAll(async () => void (HAVE_REDIS && (redis = await startRedis())), 30_000);
afterAll(() => redis?.close());

let tmp: Awaited<ReturnType<typeof makeTmp>>;
let n = 0;
let prefix = '';
beforeEach(async () => {
  tmp = await makeTmp();
  prefix = `t${++n}:`;
});
afterEach(() => tmp.cleanup());

type Kind = 'file' | 'redis';
const clock = manualClock('2024-05-01T10:05:00Z');
const opened: StateBackend[] = [];
afterEach(async () => void (await Promise.all(opened.splice(0).map((b) => b.close()))));

/** One run: its backend, its lock, its store. `end` releases the lock without saving (a crash, for the state). */
async function run(kind: Kind) {
  const config = kind === 'file' ? { backend: 'file' as const } : { backend: 'redis' as const, url: redis.url, prefix, lease: 5_000 };
  const backend = await stateBackend(config, { dir: tmp.dir, logger: captureLogger().logger, now: clock.now });
  opened.push(backend);
  const lock = await backend.acquire(5_000);
  expect(lock).not.toBeNull();
  const store: StateStore = await backend.open({ readOnly: false, lock: lock! });
  return { store, end: () => lock!.release() };
}

const health = { lastRunAt: '2024-05-01T10:05:00.000Z', result: 'ok' as const, error: null, failingSince: null, laggingSince: null };

describe.each<Kind>(HAVE_REDIS ? ['file', 'redis'] : ['file'])('state contract: %s backend', (kind) => {
  it('round-trips checkpoints, seen ids, alerts, suppression, outbox, windows, health and frontiers', async () => {
    const a = await run(kind);
    a.store.setCheckpoint('tencentcloud/ap-guangzhou', new Date('2024-05-01T10:04:00Z'));
    a.store.markSeen('ev-1', '2024-05-01T10:01:00Z');
    a.store.markSeen('ev-2', '2024-05-01T18:02:00+08:00');
    a.store.recordAlert('al-1', '2024-05-01T10:01:00Z');
    a.store.recordAlert(sampleAlert('al-2'));
    a.store.suppression.set('root-login|root', 1714557660000);
    a.store.suppression.set('__proto__', 5);
    a.store.suppression.set('far', 253_402_300_799_999);
    a.store.outbox.add(sampleAlert('al-1'), ['ops-webhook', 'sms']);
    a.store.setRuleStates([['spike', 'k1', { counts: [1, 2, 3] }]]);
    a.store.health.set('tencentcloud/ap-guangzhou', health);
    const frontier = { sinceMs: Date.parse('2024-05-01T09:00:00Z'), settledMs: Date.parse('2024-05-01T09:49:00Z'), late: [[Date.parse('2024-05-01T10:00:00Z'), 40_000]] as [number, number][] };
    a.store.setFrontier('tencentcloud/ap-guangzhou', frontier);
    expect(() => a.store.setFrontier('x', { ...frontier, settledMs: Number.NaN })).toThrow(/frontier of x: invalid record/);
    await a.store.save();
    await a.end();

    const b = await run(kind);
    expect(b.store.checkpoint('tencentcloud/ap-guangzhou')?.toISOString()).toBe('2024-05-01T10:04:00.000Z');
    expect(b.store.checkpoint('other')).toBeUndefined();
    expect([b.store.hasSeen('ev-1'), b.store.hasSeen('ev-2'), b.store.hasSeen('ev-3')]).toEqual([true, true, false]);
    expect([b.store.hasAlert('al-1'), b.store.hasAlert('al-2'), b.store.hasAlert('al-3')]).toEqual([true, true, false]);
    expect(b.store.suppression.get('root-login|root')).toBe(1714557660000);
    expect(b.store.suppression.get('__proto__')).toBe(5);
    expect(b.store.suppression.get('far')).toBe(253_402_300_799_999);
    expect(b.store.outbox.list()).toEqual(a.store.outbox.list());
    expect(b.store.ruleStates()).toEqual([['spike', 'k1', { counts: [1, 2, 3] }]]);
    expect(b.store.health.entries()).toEqual([['tencentcloud/ap-guangzhou', health]]);
    expect(b.store.frontier('tencentcloud/ap-guangzhou')).toEqual(frontier);
    expect(b.store.frontier('x')).toBeUndefined();
    expect(b.store.stats()).toEqual({ partitions: 1, seen: 2, alerts: 2, suppressions: 3, outbox: 1, pendingDeliveries: 2 });
  });

  it('a delivery journaled but never saved is applied by the next run; a delivered entry leaves the outbox', async () => {
    const a = await run(kind);
    a.store.outbox.add(sampleAlert('al-1'), ['webhook', 'sms']);
    a.store.outbox.add(sampleAlert('al-2'), ['webhook']);
    await a.store.save();
    a.store.outbox.markDelivered('al-1', 'webhook');
    a.store.journalDelivered('al-1', 'webhook');
    a.store.outbox.markDelivered('al-2', 'webhook');
    a.store.journalDelivered('al-2', 'webhook');
    // Give the journal lines time to land, then "crash": no save.
    await new Promise((r) => setTimeout(r, 50));
    await a.end();

    const b = await run(kind);
    expect(b.store.outbox.list().map((e) => [e.alert.id, e.pending.map((p) => p.notifier)])).toEqual([['al-1', ['sms']]]);
    b.store.outbox.markFailed('al-1', 'sms', 'timeout');
    await b.store.save();
    await b.end();
    const c = await run(kind);
    expect(c.store.outbox.list()[0].pending[0]).toMatchObject({ notifier: 'sms', attempts: 1, lastError: 'timeout' });
    c.store.outbox.markDelivered('al-1', 'sms');
    await c.store.save();
    await c.end();
    expect((await run(kind)).store.outbox.size).toBe(0);
  });

  it('prunes seen ids, alerts and suppression by time, keeps checkpoints and the outbox, and the next run sees the same', async () => {
    const a = await run(kind);
    a.store.setCheckpoint('p', new Date('2024-04-01T00:00:00Z'));
    a.store.markSeen('old', '2024-04-01T00:00:00Z');
    a.store.markSeen('new', '2024-05-01T10:00:00Z');
    a.store.recordAlert('old-al', '2024-04-01T00:00:00Z');
    a.store.recordAlert('new-al', '2024-05-01T10:00:00Z');
    a.store.suppression.set('old-k', Date.parse('2024-04-01T00:00:00Z'));
    a.store.suppression.set('new-k', Date.parse('2024-05-01T10:00:00Z'));
    a.store.outbox.add(sampleAlert('old-al', '2024-04-01T00:00:00Z'), ['webhook']);
    await a.store.save();
    expect(a.store.prune(new Date('2024-05-01T00:00:00Z'))).toEqual({ seen: 1, alerts: 1, suppressions: 1 });
    // Re-marked after the prune: kept, as in memory.
    a.store.markSeen('old', '2024-04-01T00:00:00Z');
    await a.store.save();
    await a.end();
    const b = await run(kind);
    expect([b.store.hasSeen('old'), b.store.hasSeen('new'), b.store.hasAlert('old-al'), b.store.hasAlert('new-al')]).toEqual([true, true, false, true]);
    expect([b.store.suppression.get('old-k'), b.store.suppression.get('new-k')]).toEqual([undefined, Date.parse('2024-05-01T10:00:00Z')]);
    expect(b.store.checkpoint('p')).toBeDefined();
    expect(b.store.outbox.size).toBe(1);
  });

  it('refuses times it could not store', async () => {
    const { store } = await run(kind);
    const codeOf = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        return isAuditError(err) ? err.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => store.markSeen('ev-1', 'yesterday'))).toBe('E_STATE');
    expect(codeOf(() => store.setCheckpoint('p', new Date('nope')))).toBe('E_STATE');
    expect(codeOf(() => store.suppression.set('k', 8.64e15))).toBe('E_STATE');
    expect(store.stats().seen + store.stats().partitions + store.stats().suppressions).toBe(0);
  });
});
