import { AuditError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { acquireLock, lockHolder, type StateLock } from './lock.js';
import { fileStamp } from './retention.js';
import { openState, type StateStore } from './store.js';
import { makeDirs } from '../util/make-dirs.js';

/** `state:` from the config, as far as choosing a backend goes. */
export interface StateBackendConfig {
  backend?: 'file' | 'redis';
  url?: string;
  prefix?: string;
  lease?: number;
}

export interface Holder {
  pid: number;
  since: string;
  host?: string;
}

/**
 * How one run reaches its state: the lock (a lock directory, or a lease in Redis), the store,
 * and whether a store kept from the previous `watch` tick is still current. One per run:
 * `close` ends what the run opened (the Redis connection).
 */
export interface StateBackend {
  /** Where the state is, for messages: the directory, or the Redis URL (no password) and prefix. */
  readonly where: string;
  /**
   * The lock renews itself (a Redis lease), so a watcher may hold it between ticks: one active
   * watcher and standbys, instead of turns. A lock directory is released after each run.
   */
  readonly keepsLock: boolean;
  /** Waits up to `timeoutMs` (Infinity: until `signal`) for another holder; null when still held. */
  acquire(timeoutMs: number, signal?: AbortSignal): Promise<StateLock | null>;
  holder(): Promise<Holder | undefined>;
  open(opts: { readOnly: boolean; lock?: StateLock }): Promise<StateStore>;
  /** Equal to the last one only when nobody else wrote the state since. */
  stamp(store: StateStore): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface StateBackendDeps {
  /** The local state directory (resolveStateDir): the state itself with `file`, the quarantine file either way. */
  dir: string;
  logger: Logger;
  now: () => Date;
}

export async function stateBackend(config: StateBackendConfig, deps: StateBackendDeps): Promise<StateBackend> {
  if (config.backend === 'redis') {
    const { redisBackend } = await import('./redis-backend.js');
    return redisBackend({ url: config.url!, prefix: config.prefix ?? 'audit:', lease: config.lease ?? 30_000 }, deps);
  }
  const { dir, logger, now } = deps;
  return {
    where: dir,
    keepsLock: false,
    acquire: (timeoutMs) => acquireLock(dir, { timeoutMs, logger }),
    holder: () => lockHolder(dir),
    open: ({ readOnly, lock }) => openState({ dir, logger, now, readOnly, lock }),
    stamp: (store) => fileStamp(store.file),
    close: async () => undefined,
  };
}

/**
 * The state as a command outside a check uses it (`audit status`, `outbox`, `rules baseline`):
 * read as it is, or under the lock when `write`, through whichever backend the config names.
 */
export async function withState<T>(config: StateBackendConfig, deps: StateBackendDeps, write: boolean, body: (store: StateStore) => Promise<T>): Promise<T> {
  const backend = await stateBackend(config, deps);
  try {
    const lock = write ? await backend.acquire(30_000) : null;
    if (write && !lock) {
      const holder = await backend.holder();
      const who = holder ? ` (pid ${holder.pid}${holder.host ? ` on ${holder.host}` : ''} since ${holder.since})` : '';
      throw new AuditError('E_STATE', `${backend.where}: another audit run holds the state lock${who}; try again when it is done`);
    }
    try {
      return await body(await backend.open({ readOnly: !write, lock: lock ?? undefined }));
    } finally {
      await lock?.release();
    }
  } finally {
    await backend.close();
  }
}

/** The quarantine file is local with either backend: a run with Redis still needs the directory. */
export async function ensureDir(dir: string): Promise<void> {
  await makeDirs(dir);
}
