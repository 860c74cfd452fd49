import type { Logger } from '../util/logger.js';
import type { Holder, StateBackend } from './backend.js';
import type { StateLock } from './lock.js';

/**
 * Another run holds the lock: this one stands down (exit 0, the next run catches up), loudly,
 * since a run that never finishes silences alerting; past 10 minutes held, at error.
 */
export async function standDown(where: string, now: Date, logger: Logger, holder: Holder | undefined): Promise<void> {
  const heldMs = holder ? now.getTime() - Date.parse(holder.since) : undefined;
  const long = heldMs !== undefined && heldMs > 10 * 60_000;
  const fields = { state: where, holderPid: holder?.pid, holderHost: holder?.host, heldSince: holder?.since };
  const msg = 'another audit run holds the state lock; this run stands down';
  if (long) logger.error(fields, `${msg}; it has held it for ${Math.round(heldMs / 60_000)} minutes: check that process`);
  else logger.warn(fields, msg);
}

/**
 * A watcher without the lease (Redis) waits for it until stopped, quietly after saying so once:
 * the active watcher renews it, and when that one dies the lease lapses and this one takes over.
 */
export async function waitAsStandby(backend: StateBackend, logger: Logger, waiting: (on: boolean) => void, stop?: AbortSignal): Promise<StateLock | null> {
  const now = await backend.acquire(0);
  if (now) return now;
  const holder = await backend.holder();
  logger.info({ state: backend.where, holderPid: holder?.pid, holderHost: holder?.host, heldSince: holder?.since }, 'standby: another watcher holds the state lease; this one takes over when it lapses');
  waiting(true);
  try {
    const lock = await backend.acquire(Infinity, stop);
    if (lock) logger.info({ state: backend.where }, 'took over the state lease: this watcher is now active');
    return lock;
  } finally {
    waiting(false);
  }
}
