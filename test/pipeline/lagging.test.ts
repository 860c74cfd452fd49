// Watching the watcher: health.maxLag raises audit-lagging through the real notifiers while the
// CloudAudit emulator keeps failing, once per spell, on an injected clock ten minutes per run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { isAuditError } from '../../src/errors.js';
import { runCheck, type CheckRequest } from '../../src/pipeline.js';
import { newSessionCache } from '../../src/sources/tencentcloud/role-credentials.js';
import { openState, resolveStateDir } from '../../src/state/index.js';
import { createLogger } from '../../src/util/logger.js';
import { DEFAULT_ACCOUNT, startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY, type Emulator } from '../helpers/emulator/index.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

const MIN = 60_000;
const PARTITION = `tencentcloud/${DEFAULT_ACCOUNT}/ap-guangzhou`;

let emulator: Emulator | undefined;
let receiver: Receiver | undefined;
let work: string | undefined;
afterEach(async () => {
  await Promise.all([emulator?.close(), receiver?.close()]);
  if (work) await rm(work, { recursive: true, force: true });
  emulator = receiver = work = undefined;
});

/** A cron job's runs, each a fresh `audit check` (state from disk, STS asked again), at times the test sets. */
async function cron(source: Record<string, unknown>) {
  emulator = await startEmulator({ events: [] });
  receiver = await startReceiver();
  work = await mkdtemp(join(tmpdir(), 'audit-lagging-'));
  const path = join(work, 'audit.yaml');
  const text = JSON.stringify({
    source: { endpoint: emulator.url, credentials: { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY }, maxAttempts: 2, timeout: '1s', ...source },
    rules: [{ builtin: 'root-console-login' }],
    notifiers: [{ name: 'hook', type: 'webhook', format: 'json', url: receiver.url('/hook'), timeout: '2s' }],
    state: { dir: join(work, 'state') },
    health: { maxLag: '30m' },
  });
  const loaded = { config: parseConfig(text, {}, path), path, baseDir: work };
  // Well in the past: the SDK signs with the real clock, and the emulator checks it.
  const start = Date.now() - 3 * 60 * MIN;
  let at = start;
  const stdout = new Writable({ write: (_c, _e, cb) => cb() });
  const deps = {
    logger: createLogger('silent'),
    env: {},
    now: () => new Date(at),
    stdout,
    cwd: work,
    retryDelays: { minMs: 1, maxMs: 5 },
    // A new process every run: GetCallerIdentity is asked each time.
    get sessions() {
      return newSessionCache();
    },
  };
  const req: CheckRequest = { dryRun: false, noState: false, failOnMatch: false, lockTimeoutMs: 5_000 };
  const dir = resolveStateDir({ configuredDir: join(work, 'state'), configPath: path, env: {}, cwd: work });
  const runAt = async (minutes: number): Promise<unknown> => {
    at = start + minutes * MIN;
    try {
      expect((await runCheck(deps, loaded, req)).code).toBe(0);
      return undefined;
    } catch (err) {
      return err;
    }
  };
  const store = () => openState({ dir, logger: deps.logger, readOnly: true });
  return {
    /** Runs at start + `minutes`; the error a failed run ends with, or undefined. */
    runAt,
    /** From now on the API fails every call (both attempts of every listing); the key in the message must go no further. */
    breakDown: () => emulator!.failNext(10_000, { code: 'InternalError', message: `backend down (key ${TEST_SECRET_KEY})` }),
    /** The API is back, on the same address. */
    async recover() {
      const port = emulator!.port;
      await emulator!.close();
      emulator = await startEmulator({ events: [], port });
    },
    /** A run at start + `minutes` that fails: every call it made failed. */
    async failing(minutes: number) {
      const before = emulator!.requests.length;
      const err = await runAt(minutes);
      expect(isAuditError(err, 'E_SOURCE'), String(err)).toBe(true);
      const codes = emulator!.requests.slice(before).map((r) => r.errorCode);
      expect(codes.length).toBeGreaterThan(0);
      expect(codes.every((c) => c === 'InternalError')).toBe(true);
    },
    /** The audit-lagging messages the receiver got, in order. */
    lagging: () => receiver!.requests.filter((r) => r.path === '/hook' && r.body.rule.id === 'audit-lagging').map((r) => r.body),
    health: async () => (await store()).health.get(PARTITION),
    outbox: async () => (await store()).outbox.list(),
    minutes: (iso: string) => (Date.parse(iso) - start) / MIN,
  };
}

describe('health.maxLag: audit-lagging', () => {
  it('is raised once while the API fails for longer than maxLag, delivered, not again until it recovers and lags again', async () => {
    const w = await cron({ account: DEFAULT_ACCOUNT });
    expect(await w.runAt(0)).toBeUndefined();
    w.breakDown();
    for (const minutes of [10, 20, 30]) await w.failing(minutes);
    expect(w.lagging()).toEqual([]);
    expect(await w.health()).toMatchObject({ result: 'failed', laggingSince: null });

    // 40 minutes behind: raised by the failing run itself, and delivered.
    await w.failing(40);
    const [first, ...none] = w.lagging();
    expect(none).toEqual([]);
    expect(first.rule).toEqual({ id: 'audit-lagging', title: 'Audit trail watcher falling behind', severity: 'high' });
    expect(first.summary).toMatch(new RegExp(`^Audit trail watcher falling behind: ${PARTITION} is 40m behind \\(limit 30m\\); last run failed: .*InternalError.*backend down \\(key \\*\\*\\*\\)`));
    expect(JSON.stringify(w.lagging())).not.toContain(TEST_SECRET_KEY);
    expect(first.event).toMatchObject({ provider: 'tencentcloud', account: DEFAULT_ACCOUNT, region: 'ap-guangzhou', name: 'WatcherLagging' });
    const health = (await w.health())!;
    expect(w.minutes(health.laggingSince!)).toBe(30);
    expect(health.error).not.toContain(TEST_SECRET_KEY);

    // Still lagging: nothing more.
    for (const minutes of [50, 60]) await w.failing(minutes);
    expect(w.lagging()).toHaveLength(1);

    // Recovered (the API is back, on the same address): the spell ends. Lagging again later is a new spell, a new alert.
    await w.recover();
    expect(await w.runAt(70)).toBeUndefined();
    w.breakDown();
    expect(await w.health()).toMatchObject({ result: 'ok', error: null, laggingSince: null });
    for (const minutes of [80, 90, 100]) await w.failing(minutes);
    expect(w.lagging()).toHaveLength(1);
    await w.failing(110);
    const ids = w.lagging().map((a) => a.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    await w.failing(120);
    expect(w.lagging()).toHaveLength(2);
    // Each was delivered once: the outbox is empty.
    expect(receiver!.requests.filter((r) => r.path === '/hook').map((r) => r.body.id)).toEqual(ids);
  });

  it('is raised when the source cannot even open (STS refusing the keys) for longer than maxLag', async () => {
    // No `account`: each run asks STS GetCallerIdentity first.
    const w = await cron({});
    expect(await w.runAt(0)).toBeUndefined();
    emulator!.failNextSts(100, { code: 'AuthFailure.SecretIdNotFound', message: 'The SecretId is not found' });
    for (const minutes of [10, 20, 30]) expect(await w.runAt(minutes)).toBeDefined();
    expect(w.lagging()).toEqual([]);
    const err = await w.runAt(40);
    expect(isAuditError(err, 'E_AUTH'), String(err)).toBe(true);
    const [alert] = w.lagging();
    expect(alert.summary).toContain('last run failed:');
    expect(alert.summary).toContain('SecretIdNotFound');
    expect(emulator!.served('LookUpEvents')).toHaveLength(1);
    expect(await w.runAt(50)).toBeDefined();
    expect(w.lagging()).toHaveLength(1);
  });

  it('is persisted before delivery: a refused delivery waits in the outbox and the next run sends it without raising it again', async () => {
    const w = await cron({ account: DEFAULT_ACCOUNT });
    expect(await w.runAt(0)).toBeUndefined();
    w.breakDown();
    for (const minutes of [10, 20, 30]) await w.failing(minutes);
    // A 4xx is not retried within the run.
    receiver!.script({ status: 400, body: { error: 'bad request' } });
    await w.failing(40);
    const [pending] = await w.outbox();
    expect(pending.alert.rule.id).toBe('audit-lagging');
    expect(pending.pending).toMatchObject([{ notifier: 'hook', attempts: 1 }]);
    await w.failing(50);
    expect(await w.outbox()).toEqual([]);
    expect(w.lagging().map((a) => a.id)).toEqual([pending.alert.id, pending.alert.id]);
  });
});
