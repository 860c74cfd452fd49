import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAuditError } from '../../src/errors.js';
import { acquireLock, lockFilePath, openState, resolveStateDir } from '../../src/state/index.js';
import { captureLogger, makeTmp } from './helpers.js';

let tmp: Awaited<ReturnType<typeof makeTmp>>;
beforeEach(async () => void (tmp = await makeTmp()));
afterEach(() => tmp.cleanup());

describe('state directory edge cases', () => {
  it('a lock touched an hour in the future is stale: the run takes it at once', async () => {
    await mkdir(lockFilePath(tmp.dir), { recursive: true });
    const future = new Date(Date.now() + 3600_000);
    await utimes(lockFilePath(tmp.dir), future, future);
    const { logger, lines } = captureLogger();
    const lock = await acquireLock(tmp.dir, { timeoutMs: 0, logger });
    expect(lock).not.toBeNull();
    expect(lines().some((l) => l.level === 'warn' && /touched in the future/.test(String(l.msg)))).toBe(true);
    await lock!.release();
  });

  it('a state dir that cannot be made says why', async () => {
    const blocker = join(tmp.dir, 'file');
    await writeFile(blocker, 'not a directory');
    const { logger } = captureLogger();
    const err = await acquireLock(join(blocker, 'state'), { timeoutMs: 0, logger }).catch((e: unknown) => e);
    expect(isAuditError(err, 'E_STATE')).toBe(true);
    expect((err as Error).message).toMatch(/cannot create state directory \(ENOTDIR: not a directory\)/);
    const err2 = await openState({ dir: join(blocker, 'state'), logger }).catch((e: unknown) => e);
    expect((err2 as Error).message).toMatch(/cannot use state directory \(ENOTDIR: not a directory\)/);
  });

  it('state dirs under /proc or /sys are refused', () => {
    for (const dir of ['/proc/self', '/sys/kernel']) {
      expect(() => resolveStateDir({ configuredDir: dir, configPath: null, env: {} })).toThrow(/is under \/proc, \/sys or \/dev/);
    }
  });
});
