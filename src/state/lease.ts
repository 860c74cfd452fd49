import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from '../util/logger.js';
import type { StateLock } from './lock.js';
import { redisCall, type StateKeys } from './redis-conn.js';

/**
 * With Redis the lock is a lease: a key that expires unless its holder renews it, holding a
 * fencing token from a counter that only grows. A holder that dies lets the next run in within
 * the lease; a holder that was paused past it finds, on resuming, that its token no longer
 * names the lease, and every write it tries (redis-store.ts checks the token in the same
 * script that writes) is refused.
 */
export interface Lease extends StateLock {
  /** The fencing token, as stored in the lease key. */
  readonly token: string;
}

export interface LeaseOptions {
  client: Redis;
  keys: StateKeys;
  url: string;
  leaseMs: number;
  /** How long to wait for another holder; 0 tries once, Infinity waits until `signal`. */
  timeoutMs: number;
  signal?: AbortSignal;
  logger: Logger;
  now: () => Date;
  pollMs?: number;
}

// The counter is bumped only when the lease is free, so tokens grow with each new holder.
const ACQUIRE = `if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local t = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], t, 'PX', ARGV[1])
redis.call('SET', KEYS[3], ARGV[2])
return tostring(t)`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Resolves to null when another holder still has the lease after `timeoutMs`. */
export async function acquireLease(opts: LeaseOptions): Promise<Lease | null> {
  const { client, keys, url, logger } = opts;
  const deadline = Date.now() + Math.max(0, opts.timeoutMs);
  const holder = JSON.stringify({ pid: process.pid, host: hostname(), since: opts.now().toISOString() });
  let waiting = false;
  for (;;) {
    const token = await redisCall('cannot take the state lease', url, () =>
      client.eval(ACQUIRE, 3, keys.lease, keys.fence, keys.holder, String(opts.leaseMs), holder),
    );
    if (typeof token === 'string') {
      if (waiting) logger.info({ token }, 'state lease acquired after waiting');
      return holdLease(opts, token);
    }
    const left = deadline - Date.now();
    if (left <= 0 || opts.signal?.aborted) return null;
    if (!waiting && Number.isFinite(left)) logger.info({ timeoutMs: opts.timeoutMs }, 'another run holds the state lease; waiting');
    waiting = true;
    await sleep(Math.min(opts.pollMs ?? 500, left), opts.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => (clearTimeout(timer), signal?.removeEventListener('abort', done), resolve());
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function holdLease(opts: LeaseOptions, token: string): Lease {
  const { client, keys, logger } = opts;
  let compromised: Error | null = null;
  let released = false;
  const lost = new AbortController();
  // A third of the lease: two renewals may fail (a slow Redis, a GC pause) before it lapses.
  const timer = setInterval(() => {
    client
      .eval(RENEW, 1, keys.lease, token, String(opts.leaseMs))
      .then((ok) => {
        if (ok === 1 || released || compromised) return;
        compromised = new Error(`lease ${token} expired or was taken over`);
        lost.abort(compromised);
        logger.error({ token }, 'state lease was lost; this run will not save its state or send more');
      })
      .catch((err) => logger.warn({ token, reason: String(err?.message ?? err) }, 'could not renew the state lease'));
  }, Math.max(100, Math.floor(opts.leaseMs / 3)));
  timer.unref();
  return {
    token,
    get compromised() {
      return compromised;
    },
    lost: lost.signal,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await client.eval(RELEASE, 1, keys.lease, token).catch(() => undefined);
    },
  };
}

/** Who holds the lease and since when, for the message of a run that stands down. */
export async function leaseHolder(client: Redis, keys: StateKeys): Promise<{ pid: number; since: string; host?: string } | undefined> {
  try {
    const data = JSON.parse((await client.get(keys.holder)) ?? 'null');
    return typeof data?.pid === 'number' && typeof data?.since === 'string' ? data : undefined;
  } catch {
    return undefined;
  }
}
