import type { Logger } from '../../util/logger.js';
import type { TimeRange } from '../types.js';
import type { Call } from './caller.js';

/** LookupEvents' largest page (InvalidMaxResultsException beyond it). */
export const PAGE_SIZE = 50;
/**
 * A range is listed a day at a time: the API lists newest first, so a range is only in time
 * order once all of it is in, and a day bounds what is held (a 90-day backfill is not). One
 * request per day is cheap next to the pages a busy day takes.
 */
export const SLICE_SECONDS = 86_400;

/** A span of whole seconds, both ends included, as StartTime/EndTime mean it. */
export interface Slice {
  start: number;
  end: number;
}

/**
 * [start, end) in milliseconds → inclusive second spans, a day at most, oldest first. CloudTrail
 * records whole seconds and includes both ends, so an event at second s belongs to the range
 * iff start <= s*1000 < end: consecutive ranges never share a second, and a range inside one
 * second is empty.
 */
export function daySlices(range: TimeRange): Slice[] {
  const start = Math.ceil(range.start.getTime() / 1000);
  const end = Math.ceil(range.end.getTime() / 1000) - 1;
  const slices: Slice[] = [];
  for (let s = start; s <= end; s += SLICE_SECONDS) slices.push({ start: s, end: Math.min(end, s + SLICE_SECONDS - 1) });
  return slices;
}

/** One listing: a slice, and the one event name pushed down to the API, or none. */
export interface Query {
  partition: string;
  region: string;
  slice: Slice;
  eventName?: string;
}

/**
 * Pages through one query until the API gives no NextToken. CloudTrail may answer an empty page
 * that still has a token (it scans ahead in steps), so only the token ends a listing; a token
 * seen before ends it too, because asking again could only repeat it.
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
  const base: Record<string, unknown> = { StartTime: new Date(q.slice.start * 1000), EndTime: new Date(q.slice.end * 1000), MaxResults: PAGE_SIZE };
  if (q.eventName !== undefined) base.LookupAttributes = [{ AttributeKey: 'EventName', AttributeValue: q.eventName }];
  const tokens = new Set<string>();
  let token: string | undefined;
  for (let page = 1; ; page++) {
    const res = await call(q.partition, q.region, token === undefined ? base : { ...base, NextToken: token }, opts.signal);
    const records: unknown[] = Array.isArray(res?.Events) ? res.Events : [];
    const next: unknown = res?.NextToken;
    opts.logger.debug(
      { partition: q.partition, action: 'LookupEvents', startTime: q.slice.start, endTime: q.slice.end, eventName: q.eventName, page, events: records.length, more: Boolean(next) },
      'CloudTrail page',
    );
    opts.onPage(records);
    if (typeof next !== 'string' || next === '') return;
    if (tokens.has(next)) {
      opts.logger.warn({ partition: q.partition, action: 'LookupEvents', page }, 'CloudTrail returned a NextToken it had already given; stopping this listing');
      return;
    }
    tokens.add(next);
    token = next;
    await opts.beforeNext?.();
  }
}
