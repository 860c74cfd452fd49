import type { TimeRange } from '../types.js';

export type CloudAuditApi = 'LookUpEvents' | 'DescribeEvents';

/**
 * The longest EndTime − StartTime each API accepts: LookUpEvents answers LimitExceeded.OverTime
 * past 7 days; DescribeEvents documents "less than 30 days".
 */
export const MAX_SPAN_SECONDS: Record<CloudAuditApi, number> = {
  LookUpEvents: 7 * 86_400,
  DescribeEvents: 30 * 86_400 - 1,
};

/** Below this, splitting a range for concurrency costs more requests than it saves. */
export const MIN_SLICE_SECONDS = 3_600;

/** A span of whole seconds, both ends included, as StartTime/EndTime mean it. */
export interface Slice {
  start: number;
  end: number;
}

/**
 * [start, end) in milliseconds → inclusive second spans. The API filters by whole seconds and
 * includes both ends, so an event at second s belongs to the range iff start <= s*1000 < end;
 * consecutive ranges therefore never share a second, and a range inside one second is empty.
 */
export function toSeconds(range: TimeRange): Slice | null {
  const start = Math.ceil(range.start.getTime() / 1000);
  const end = Math.ceil(range.end.getTime() / 1000) - 1;
  return end < start ? null : { start, end };
}

/**
 * Cuts a range into slices the API accepts, and into up to `parallel` of them so a long
 * backfill can be fetched concurrently. Slices come out oldest first and tile the range.
 */
export function splitRange(range: TimeRange, api: CloudAuditApi, parallel: number): Slice[] {
  const whole = toSeconds(range);
  if (!whole) return [];
  const seconds = whole.end - whole.start + 1;
  // A slice of n seconds has EndTime − StartTime = n − 1, which must stay within the limit.
  const maxLen = MAX_SPAN_SECONDS[api] + 1;
  const len = Math.min(maxLen, Math.max(MIN_SLICE_SECONDS, Math.ceil(seconds / Math.max(1, parallel))));
  const slices: Slice[] = [];
  for (let s = whole.start; s <= whole.end; s += len) slices.push({ start: s, end: Math.min(whole.end, s + len - 1) });
  return slices;
}
