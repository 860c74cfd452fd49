import { stat, utimes, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isAuditError } from '../../src/errors.js';
import { acquireLock, LOCK_STALE_MS, LOCK_UPDATE_MS, lockFilePath, openState } from '../../src/state/index.js';
import { captureLogger, exited, makeTmp, spawnNode } from './helpers.js';

let tmp: Awaited<ReturnType<typeof makeTmp>>;
beforeEach(async () => void (tmp = await makeTmp()));
afterEach(() => tmp.cleanup());

/** Another process holding the lock the way acquireLock does, through proper-lockfile directly. */
const HOLDER = `
const lockfile = require('proper-lockfile');
lockfile.lock(process.env.LOCK_DIR, {
  lockfilePath: process.env.LOCK_PATH, realpath: false,
  stale: ${LOCK_STALE_MS}, update: ${LOCK_UPDATE_MS}, onCompromised: () => {},
}).then((release) => {
  process.stdout.write('locked\\n');
  process.stdin.on('data', () => release().then(() => process.stdout.write('released\\n')).then(() => process.exit(0)));
}, (err) => { process.stdout.write('failed ' + err.code + '\\n'); process.exit(1); });
`;

function holder(dir: string) {
  return spawnNode(HOLDER, { LOCK_DIR: dir, LOCK_PATH: lockFilePath(dir) });
}

async function backdateLock(dir: string, ms: number) {
  const past = new Date(Date.now() - ms);
  await utimes(lockFilePath(dir), past, past);
}

describe('acquireLock', () => {
  it('lets one in-process acquirer in at a time', async () => {
    const { logger, lines } = captureLogger();
    const first = await acquireLock(tmp.dir, { timeoutMs: 0, logger });
    expect(first).not.toBeNull();
    expect(await acquireLock(tmp.dir, { timeoutMs: 0, logger })).toBeNull();
    expect(await acquireLock(tmp.dir, { timeoutMs: 300, pollMs: 50, logger })).toBeNull();
    expect(lines().some((l) => l.msg === 'another run holds the state lock; waiting')).toBe(true);

    // A waiter gets in once the holder lets go.
    const waiter = acquireLock(tmp.dir, { timeoutMs: 20_000, pollMs: 50, logger });
    setTimeout(() => void first!.release(), 100);
    const second = await waiter;
    expect(second).not.toBeNull();
    await second!.release();
    await second!.release(); // idempotent
    await expect(stat(lockFilePath(tmp.dir))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('creates a missing state directory and reports an unusable one as E_STATE', async () => {
    const { logger } = captureLogger();
    const lock = await acquireLock(`${tmp.dir}/a/b`, { timeoutMs: 0, logger });
    expect(lock).not.toBeNull();
    await lock!.release();
    await writeFile(`${tmp.dir}/file`, '');
    await expect(acquireLock(`${tmp.dir}/file/sub`, { timeoutMs: 0, logger })).rejects.toSatisfy((e) => isAuditError(e, 'E_STATE'));
  });

  it('waits for a lock held by another process, returns null on timeout, gets it once released', async () => {
    const { logger } = captureLogger();
    const child = holder(tmp.dir);
    try {
      await child.line('locked');
      expect(await acquireLock(tmp.dir, { timeoutMs: 1000, pollMs: 100, logger })).toBeNull();

      const waiter = acquireLock(tmp.dir, { timeoutMs: 20_000, pollMs: 100, logger });
      child.stdin!.write('release\n');
      await child.line('released');
      const lock = await waiter;
      expect(lock).not.toBeNull();
      await lock!.release();
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
  });

  it('takes over a lock left by a SIGKILLed process once it is stale', async () => {
    const { logger } = captureLogger();
    const child = holder(tmp.dir);
    await child.line('locked');
    child.kill('SIGKILL');
    await exited(child);
    // The dead process could not clean up: the lock is still there and still fresh.
    await stat(lockFilePath(tmp.dir));
    expect(await acquireLock(tmp.dir, { timeoutMs: 0, logger })).toBeNull();
    // Once its mtime is older than the stale threshold, it is taken over.
    await backdateLock(tmp.dir, LOCK_STALE_MS + 1000);
    const lock = await acquireLock(tmp.dir, { timeoutMs: 0, logger });
    expect(lock).not.toBeNull();
    await lock!.release();
  });

  it('recovers a SIGKILLed run within the documented ~10 s by waiting', async () => {
    const { logger } = captureLogger();
    const child = holder(tmp.dir);
    await child.line('locked');
    child.kill('SIGKILL');
    await exited(child);
    const lock = await acquireLock(tmp.dir, { timeoutMs: LOCK_STALE_MS + 5000, pollMs: 250, logger });
    expect(lock).not.toBeNull();
    await lock!.release();
  }, 30_000);

  it('a run whose lock was taken over learns it and refuses to save', async () => {
    const { logger, lines } = captureLogger();
    const lock = await acquireLock(tmp.dir, { timeoutMs: 0, logger });
    const state = await openState({ dir: tmp.dir, logger, lock: lock! });
    state.markSeen('ev-1', '2024-05-01T10:00:00Z');
    // As if this run stalled past the stale threshold and another one took over.
    await backdateLock(tmp.dir, LOCK_STALE_MS + 1000);
    const taker = holder(tmp.dir);
    try {
      await taker.line('locked');
      await vi.waitFor(() => expect(lock!.compromised).not.toBeNull(), { timeout: LOCK_UPDATE_MS * 3, interval: 100 });
      expect(lines().some((l) => l.level === 'error' && String(l.msg).includes('state lock'))).toBe(true);
      await expect(state.save()).rejects.toSatisfy((e) => isAuditError(e, 'E_STATE'));
      await lock!.release(); // does not throw, and does not remove the new holder's lock
      await stat(lockFilePath(tmp.dir));
    } finally {
      taker.kill('SIGKILL');
      await exited(taker);
    }
  });
});
