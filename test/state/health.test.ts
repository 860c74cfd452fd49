import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEventSchema } from '../../src/events/index.js';
import { isAuditError } from '../../src/errors.js';
import { lagOf, unreachableSource, watchRun, type RunHealth } from '../../src/state/health.js';
import { openState, STATE_FILE, type StateStore } from '../../src/state/index.js';
import { alertSchema, type PartitionHealth } from '../../src/state/schema.js';
import { addSecrets } from '../../src/util/secrets.js';
import { captureLogger, makeTmp, manualClock } from './helpers.js';

const GZ = 'tencentcloud/100000000001/ap-guangzhou';
const SH = 'tencentcloud/100000000001/ap-shanghai';
const MIN = 60_000;

let tmp: Awaited<ReturnType<typeof makeTmp>>;
beforeEach(async () => void (tmp = await makeTmp()));
afterEach(() => tmp.cleanup());

const failed = (at: string, error = 'LookUpEvents failed: InternalError'): PartitionHealth => ({ lastRunAt: at, result: 'failed', error, failingSince: at, laggingSince: null });

describe('state: the health section', () => {
  it('is saved with the checkpoints in the one file and read back', async () => {
    const { logger } = captureLogger();
    const clock = manualClock('2024-05-01T10:05:00Z');
    const a = await openState({ dir: tmp.dir, logger, now: clock.now });
    a.setCheckpoint(SH, new Date('2024-05-01T10:04:00Z'));
    a.health.set(GZ, { ...failed('2024-05-01T10:05:00.000Z'), laggingSince: '2024-05-01T10:00:00.000Z' });
    a.health.set(SH, { lastRunAt: '2024-05-01T10:05:00.000Z', result: 'ok', error: null, failingSince: null, laggingSince: null });
    await a.save();

    const file = JSON.parse(await readFile(join(tmp.dir, STATE_FILE), 'utf8'));
    expect(file.health).toEqual([[GZ, a.health.get(GZ)], [SH, a.health.get(SH)]]);
    expect(file.checkpoints).toEqual([[SH, '2024-05-01T10:04:00.000Z']]);
    const b = await openState({ dir: tmp.dir, logger, now: clock.now });
    expect(b.health.entries()).toEqual(a.health.entries());
    expect(b.checkpoints()).toEqual([[SH, new Date('2024-05-01T10:04:00Z')]]);
  });

  it('refuses a record the schema would reject on the next load', async () => {
    const s = await openState({ dir: tmp.dir, logger: captureLogger().logger });
    let err: unknown;
    try {
      s.health.set(GZ, { ...failed('yesterday') });
    } catch (e) {
      err = e;
    }
    expect(isAuditError(err, 'E_STATE')).toBe(true);
    expect(s.health.entries()).toEqual([]);
  });

  it('loads files saved before it existed (version 2 without it, version 1): every partition starts healthy', async () => {
    const { logger, lines } = captureLogger();
    const base = { savedAt: '2024-05-01T10:00:00.000Z', checkpoints: [[GZ, '2024-05-01T09:59:00.000Z']], seen: [], alerts: [], suppression: [], outbox: [] };
    for (const file of [{ version: 2, ...base, windows: [] }, { version: 1, ...base }]) {
      await writeFile(join(tmp.dir, STATE_FILE), JSON.stringify(file));
      const s = await openState({ dir: tmp.dir, logger, now: manualClock('2024-05-01T10:05:00Z').now });
      expect(s.health.entries()).toEqual([]);
      expect(s.checkpoint(GZ)?.toISOString()).toBe('2024-05-01T09:59:00.000Z');
    }
    expect(lines().filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('a damaged one is salvaged record by record, and a section that is not a list is lost whole', async () => {
    const good = failed('2024-05-01T10:00:00.000Z');
    const file = { version: 2, savedAt: '2024-05-01T10:00:00.000Z', checkpoints: [], seen: [], alerts: [], suppression: [], outbox: [], windows: [], health: [[GZ, good], [SH, { ...good, result: 'broken' }], ['', good]] };
    await writeFile(join(tmp.dir, STATE_FILE), JSON.stringify(file));
    const { logger, lines } = captureLogger();
    const s = await openState({ dir: tmp.dir, logger, now: manualClock('2024-05-01T10:05:00Z').now });
    expect(s.health.entries()).toEqual([[GZ, good]]);
    expect(String(lines().find((l) => l.level === 'warn')?.msg)).toMatch(/salvaged 1 partition health record; lost 2 partition health records/);

    await writeFile(join(tmp.dir, STATE_FILE), JSON.stringify({ ...file, health: 'garbage', checkpoints: [[GZ, '2024-05-01T09:59:00.000Z']] }));
    const t = await openState({ dir: tmp.dir, logger, now: manualClock('2024-05-01T10:05:00Z').now });
    expect(t.health.entries()).toEqual([]);
    expect(t.checkpoint(GZ)).toBeDefined();
    expect(String(lines().filter((l) => l.level === 'warn').at(-1)?.msg)).toMatch(/lost all partition health records/);
  });
});

describe('watchRun: run health and lagging spells', () => {
  const clock = manualClock('2024-05-01T10:00:00Z');
  const source = (partitions: string[]) => ({ partitions: () => partitions });
  const run = (over: Partial<RunHealth> = {}): RunHealth => ({ source: source([GZ, SH]), failed: new Map(), now: clock.now(), maxLagMs: 30 * MIN, raise: true, locales: ['en', 'zh-CN'], ...over });
  let s: StateStore;
  beforeEach(async () => void (s = await openState({ dir: tmp.dir, logger: captureLogger().logger, now: clock.now })));

  it('records each partition, masks secrets in errors and keeps them on one bounded line', () => {
    addSecrets(['hunter2-secret-key']);
    s.setCheckpoint(SH, clock.now());
    const err = new Error(`denied for key hunter2-secret-key\nretry later ${'x'.repeat(1000)}`);
    expect(watchRun(s, run({ failed: new Map([[GZ, err]]) }))).toEqual([]);
    const gz = s.health.get(GZ)!;
    expect(gz).toMatchObject({ lastRunAt: '2024-05-01T10:00:00.000Z', result: 'failed', failingSince: '2024-05-01T10:00:00.000Z', laggingSince: null });
    expect(gz.error).toMatch(/^denied for key \*\*\* retry later x+…$/);
    expect(gz.error!.length).toBe(500);
    expect(s.health.get(SH)).toEqual({ lastRunAt: '2024-05-01T10:00:00.000Z', result: 'ok', error: null, failingSince: null, laggingSince: null });
    // A partition no longer configured is forgotten.
    watchRun(s, run({ source: source([SH]) }));
    expect(s.health.entries().map(([p]) => p)).toEqual([SH]);
  });

  it('raises audit-lagging once per spell, with or without a checkpoint, and again only after a recovery', () => {
    const t0 = clock.now().getTime();
    s.setCheckpoint(SH, new Date(t0));
    const at = (min: number) => new Date(t0 + min * MIN);
    const failing = (min: number) => run({ now: at(min), failed: new Map([[GZ, new Error('InternalError')], [SH, new Error('InternalError')]]) });
    const raised: { min: number; partition: unknown; id: string }[] = [];
    for (let min = 0; min <= 60; min += 10) for (const a of watchRun(s, failing(min))) raised.push({ min, partition: a.group!.partition, id: a.id });
    // SH's checkpoint is 30m old at +30 (not past the limit), 40m at +40; GZ never had one: it lags from its first failure.
    expect(raised.map((r) => [r.min, r.partition])).toEqual([[40, GZ], [40, SH]]);
    expect(s.health.get(GZ)!.laggingSince).toBe(at(30).toISOString());
    expect(s.health.get(SH)!.laggingSince).toBe(at(30).toISOString());
    expect(raised.every((r) => s.hasAlert(r.id))).toBe(true);

    // SH recovers; lags again later: a new spell, a new id. GZ, still failing, stays quiet.
    s.setCheckpoint(SH, at(70));
    expect(watchRun(s, run({ now: at(70), failed: new Map([[GZ, new Error('InternalError')]]) }))).toEqual([]);
    expect(s.health.get(SH)!.laggingSince).toBeNull();
    const again = watchRun(s, failing(110));
    expect(again.map((a) => a.group!.partition)).toEqual([SH]);
    expect(again[0].id).not.toBe(raised.find((r) => r.partition === SH)!.id);
  });

  it('the alert is a valid Alert with a synthetic event, in every language asked for', () => {
    s.setCheckpoint(GZ, clock.now());
    const [alert] = watchRun(s, run({ now: new Date(clock.now().getTime() + 95 * MIN), failed: new Map([[GZ, new Error('AuthFailure.SecretIdNotFound')]]) }));
    expect(alertSchema.safeParse(alert).success).toBe(true);
    expect(auditEventSchema.safeParse(alert.event).success).toBe(true);
    expect(alert.rule).toEqual({ id: 'audit-lagging', title: 'Audit trail watcher falling behind', severity: 'high' });
    expect(alert.event).toMatchObject({ provider: 'tencentcloud', account: '100000000001', region: 'ap-guangzhou', name: 'WatcherLagging', error: { code: 'SourceFailed', message: 'AuthFailure.SecretIdNotFound' } });
    expect(alert.summary).toBe(`Audit trail watcher falling behind: ${GZ} is 1h 35m behind (limit 30m); last run failed: AuthFailure.SecretIdNotFound`);
    expect(alert.l10n?.['zh-CN']).toEqual({ title: '审计监控落后', summary: `审计监控落后：${GZ} 的检查点落后 1 小时 35 分钟（上限 30 分钟）；上次运行失败：AuthFailure.SecretIdNotFound` });
  });

  it('--learn-only records runs but neither begins nor ends a spell; without maxLag nothing lags', () => {
    expect(watchRun(s, run({ failed: new Map([[GZ, 'x']]) }))).toEqual([]);
    const later = new Date(clock.now().getTime() + 60 * MIN);
    expect(watchRun(s, run({ now: later, failed: new Map([[GZ, 'x']]), raise: false }))).toEqual([]);
    expect(watchRun(s, run({ now: later, failed: new Map([[GZ, 'x']]), maxLagMs: undefined }))).toEqual([]);
    expect(s.health.get(GZ)!.laggingSince).toBeNull();
    expect(lagOf(s.health.get(GZ), undefined, later)).toBe(60 * MIN);
    expect(lagOf(undefined, undefined, later)).toBeUndefined();
  });

  it('stands in for a source that cannot open with the partitions the last runs fetched', async () => {
    expect(unreachableSource(new Error('x'), s)).toBeUndefined();
    watchRun(s, run());
    const stand = unreachableSource(new Error('STS: expired'), s)!;
    expect(stand.partitions()).toEqual([GZ, SH]);
    await expect(stand.fetch(GZ, { start: new Date(0), end: new Date() })[Symbol.asyncIterator]().next()).rejects.toThrow('STS: expired');
  });
});
