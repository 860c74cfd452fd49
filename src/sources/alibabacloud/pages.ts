import type { Logger } from '../../util/logger.js';
import type { TimeRange } from '../types.js';
import type { Call } from './caller.js';
import { ACTIONTRAIL_VERSION } from './client.js';

/** LookupEvents' largest page. */
export const PAGE_SIZE = 50;
/** Below this, splitting a range for concurrency costs more requests than it saves. */
export const MIN_SLICE_MS = 3_600_000;
/**
 * ActionTrail takes any span, but a slice is held whole before it is sorted oldest first: a day
 * bounds that memory on a backfill and lets the first events go out before the last are fetched.
 */
export const MAX_SLICE_MS = 86_400_000;
/** LookupEvents serves the last 90 days; asking further back only costs calls. */
export const RETENTION_MS = 90 * 86_400_000;
// A clock running late must not cut off events the API already has.
const FUTURE_MARGIN_MS = 86_400_000;

/** [startMs, endMs), as the caller's range means it. */
export interface Slice {
  startMs: number;
  endMs: number;
}

/**
 * The range the API can answer, cut into up to `parallel` slices (at least an hour, at most a
 * day each), oldest first, tiling it. Inner boundaries fall on whole seconds, the API's grain.
 */
export function splitRange(range: TimeRange, parallel: number, nowMs: number): Slice[] {
  const start = Math.max(range.start.getTime(), nowMs - RETENTION_MS);
  const end = Math.min(range.end.getTime(), nowMs + FUTURE_MARGIN_MS);
  // Event times are whole seconds: a range holding none asks nothing.
  if (!(Math.ceil(start / 1000) * 1000 < end)) return [];
  const len = Math.ceil(Math.min(MAX_SLICE_MS, Math.max(MIN_SLICE_MS, (end - start) / Math.max(1, parallel))) / 1000) * 1000;
  const base = Math.floor(start / 1000) * 1000;
  const slices: Slice[] = [];
  for (let s = start, k = 1; s < end; k++) {
    const e = Math.min(end, base + k * len);
    slices.push({ startMs: s, endMs: e });
    s = e;
  }
  return slices;
}

/** `yyyy-MM-ddTHH:mm:ssZ`, the only form StartTime and EndTime take. */
export function apiTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** One listing: a slice, and the one event name pushed down to the API, if any. */
export interface Query {
  partition: string;
  slice: Slice;
  eventName?: string;
}

/**
 * Pages through one query until no NextToken is given. The slice is asked for from its first
 * second to the second after its end, whether the API counts EndTime in or not; the caller keeps
 * only what falls in [startMs, endMs). A token seen before ends the listing: asking again could
 * only repeat it.
 */
export async function listQuery(
  call: Call,
  q: Query,
  opts: {
    logger: Logger;
    signal?: AbortSignal;
    onPage(records: unknown[]): void;
    /** Awaited before each further page: a reader that is not ready yet holds the listing there. */
    beforeNext?: () => Promise<void>;
  },
): Promise<void> {
  const base: Record<string, string> = {
    StartTime: apiTime(Math.floor(q.slice.startMs / 1000)),
    EndTime: apiTime(Math.ceil(q.slice.endMs / 1000)),
    MaxResults: String(PAGE_SIZE),
  };
  // LookupAttribute takes one value per key and ANDs the keys: several names are several listings.
  if (q.eventName !== undefined) Object.assign(base, { 'LookupAttribute.1.Key': 'EventName', 'LookupAttribute.1.Value': q.eventName });
  const tokens = new Set<string>();
  let token: string | undefined;
  for (let page = 1; ; page++) {
    const res = await call(q.partition, 'LookupEvents', ACTIONTRAIL_VERSION, token === undefined ? base : { ...base, NextToken: token }, opts.signal);
    const records: unknown[] = Array.isArray(res?.Events) ? res.Events : [];
    const next = typeof res?.NextToken === 'string' && res.NextToken !== '' ? res.NextToken : undefined;
    opts.logger.debug(
      { partition: q.partition, action: 'LookupEvents', startTime: base.StartTime, endTime: base.EndTime, eventName: q.eventName, page, events: records.length, more: next !== undefined },
      'ActionTrail page',
    );
    opts.onPage(records);
    if (next === undefined) return;
    if (tokens.has(next)) {
      opts.logger.warn({ partition: q.partition, action: 'LookupEvents', page }, 'ActionTrail returned a NextToken it had already given; stopping this listing');
      return;
    }
    tokens.add(next);
    token = next;
    await opts.beforeNext?.();
  }
}
