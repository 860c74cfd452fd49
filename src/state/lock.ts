import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { AuditError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { makeDirs } from '../util/make-dirs.js';

/**
 * proper-lockfile holds a lock by creating a directory and touching its mtime every
 * LOCK_UPDATE_MS; another process treats it as abandoned once the mtime is older than
 * LOCK_STALE_MS. A SIGKILLed run (which cannot clean up) therefore blocks the next one for at
 * most 10 s after it died. A live run only loses its lock if its event loop stalls for 8 s
 * (stale minus update); it then learns so through `compromised` and refuses to save.
 */
export const LOCK_STALE_MS = 10_000;
export const LOCK_UPDATE_MS = 2_000;
const DEFAULT_POLL_MS = 500;

export interface StateLock {
  /** Idempotent; never throws for a lock that was already lost. */
  release(): Promise<void>;
  /** Set when another process took the lock over; the state must then not be written. */
  readonly compromised: Error | null;
  /** Aborted when the lock is found lost (a lease lapsed): deliveries stop, the new holder sends them. */
  readonly lost?: AbortSignal;
}

export interface AcquireLockOptions {
  /** How long to wait for another run to finish; 0 tries once. */
  timeoutMs: number;
  logger: Logger;
  pollMs?: number;
}

/** The lock lives inside the state directory so each config's directory has its own. */
export function lockFilePath(dir: string): string {
  return join(resolve(dir), 'run.lock');
}

/**
 * One run at a time per state directory. Resolves to null when another run still holds the
 * lock after `timeoutMs`: the caller logs that and exits 0, the next cron tick catches up.
 */
export async function acquireLock(dir: string, opts: AcquireLockOptions): Promise<StateLock | null> {
  const target = resolve(dir);
  try {
    await makeDirs(target);
  } catch (err) {
    throw new AuditError('E_STATE', `${target}: cannot create state directory (${reasonOf(err)})`, { cause: err });
  }
  await clearFutureLock(target, opts.logger);
  const deadline = Date.now() + Math.max(0, opts.timeoutMs);
  let compromised: Error | null = null;
  let waiting = false;
  for (;;) {
    try {
      const release = await lockfile.lock(target, {
        lockfilePath: lockFilePath(target),
        realpath: false,
        stale: LOCK_STALE_MS,
        update: LOCK_UPDATE_MS,
        // The default throws from a timer, which would crash the process mid-run.
        onCompromised: (err) => {
          compromised = err;
          opts.logger.error({ dir: target, reason: err.message }, `state lock on ${target} was lost; this run will not save its state`);
        },
      });
      if (waiting) opts.logger.info({ dir: target }, 'state lock acquired after waiting');
      await writeFile(join(target, HOLDER_FILE), JSON.stringify({ pid: process.pid, since: new Date().toISOString() }), { mode: 0o600 }).catch(() => undefined);
      return {
        release: async () => {
          await release().catch(() => undefined);
        },
        get compromised() {
          return compromised;
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') {
        throw new AuditError('E_STATE', `${target}: cannot lock state directory (${reasonOf(err)})`, { cause: err });
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      if (!waiting) {
        opts.logger.info({ dir: target, timeoutMs: opts.timeoutMs }, 'another run holds the state lock; waiting');
        waiting = true;
      }
      await new Promise((r) => setTimeout(r, Math.min(opts.pollMs ?? DEFAULT_POLL_MS, left)));
    }
  }
}

/** Who holds the lock and since when, for the message of a run that stands down. */
export const HOLDER_FILE = 'run.lock.holder.json';

export async function lockHolder(dir: string): Promise<{ pid: number; since: string } | undefined> {
  try {
    const data = JSON.parse(await readFile(join(resolve(dir), HOLDER_FILE), 'utf8'));
    return typeof data?.pid === 'number' && typeof data?.since === 'string' ? data : undefined;
  } catch {
    return undefined;
  }
}

/** `EACCES: permission denied`, `ENOTDIR: not a directory`: what the system said, briefly. */
export function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const text = (e?.message ?? String(err)).replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return e?.code ? `${e.code}: ${text}` : text;
}

/**
 * A lock touched in the future (a clock that jumped back, a copied directory) would look fresh
 * for as long as that lies ahead and hold every run back: it is stale whatever its age.
 */
async function clearFutureLock(dir: string, logger: Logger): Promise<void> {
  const path = lockFilePath(dir);
  try {
    const { mtimeMs } = await stat(path);
    if (mtimeMs <= Date.now() + LOCK_STALE_MS) return;
    logger.warn({ lock: path, mtime: new Date(mtimeMs).toISOString() }, 'state lock touched in the future; removed as stale');
    await rm(path, { recursive: true, force: true });
  } catch {
    // no lock, or gone already
  }
}
