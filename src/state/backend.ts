import { mkdir } from 'node:fs/promises';
import type { Logger } from '../util/logger.js';
import { acquireLock, lockHolder, type StateLock } from './lock.js';
import { fileStamp } from './retention.js';
import { openState, type StateStore } from './store.js';

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
  acquire(timeoutMs: number): Promise<StateLock | null>;
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
    acquire: (timeoutMs) => acquireLock(dir, { timeoutMs, logger }),
    holder: () => lockHolder(dir),
    open: ({ readOnly, lock }) => openState({ dir, logger, now, readOnly, lock }),
    stamp: (store) => fileStamp(store.file),
    close: async () => undefined,
  };
}

/** The quarantine file is local with either backend: a run with Redis still needs the directory. */
export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}
