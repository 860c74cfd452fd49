import * as z from 'zod';
import type { Group } from '../group.js';

/**
 * Per rule, whatever `maxValues` says: a rule grouped by something with many values (a user, an
 * access key) must not grow the state file without end. Past either bound the least recently
 * active groups are forgotten, a tenth at a time (one sort, not one per event); a forgotten group
 * learns again, which is quiet, never a flood.
 */
export const MAX_GROUPS = 10_000;
export const MAX_VALUES_TOTAL = 50_000;

/** First and last event time (ms) a value was seen at. */
export interface SeenValue {
  first: number;
  last: number;
}

export interface BaselineGroup {
  group: Group;
  /** The earliest event of the group: it learns until `since + learn`. */
  since: number;
  /** The latest event of the group. */
  last: number;
  /** Value (as JSON text) → when seen. */
  values: Map<string, SeenValue>;
}

export interface Baseline {
  /** The latest event time the rule saw; forgetting is measured back from it. */
  high: number;
  groups: Map<string, BaselineGroup>;
  /** Values held over all groups. */
  size: number;
}

export const emptyBaseline = (): Baseline => ({ high: -Infinity, groups: new Map(), size: 0 });

/**
 * Keeps `g` to `maxValues` by forgetting the values seen longest ago (ties: first seen, then the
 * value), a tenth of `maxValues` at a time so that a flood of new values costs one sort per tenth;
 * then the rule to its bounds. Orders come from times and keys, never from arrival, so one
 * backfill and cron runs keep the same values.
 */
export function evict(b: Baseline, g: BaselineGroup, maxValues: number, cutoff: number): void {
  // What is forgotten anyway goes first, so the bounds count the same values whenever sweeps ran.
  if (g.values.size > maxValues) forgetValues(b, g, cutoff);
  if (g.values.size > maxValues) {
    const keep = maxValues - Math.floor(maxValues / 10);
    const oldest = [...g.values].sort((x, y) => (before(x, y) ? -1 : 1));
    for (const [value] of oldest.slice(0, g.values.size - keep)) g.values.delete(value);
    b.size -= oldest.length - g.values.size;
  }
  if (b.groups.size <= MAX_GROUPS && b.size <= MAX_VALUES_TOTAL) return;
  forgetBefore(b, cutoff);
  const idle = [...b.groups].sort(([ka, a], [kb, bb]) => a.last - bb.last || (ka < kb ? -1 : 1));
  for (const [key, old] of idle) {
    if (b.groups.size <= MAX_GROUPS * 0.9 && b.size <= MAX_VALUES_TOTAL * 0.9) break;
    b.groups.delete(key);
    b.size -= old.values.size;
  }
}

const before = ([ka, a]: [string, SeenValue], [kb, b]: [string, SeenValue]) => a.last < b.last || (a.last === b.last && (a.first < b.first || (a.first === b.first && ka < kb)));

/** Forgets values, and whole groups, last seen before `cutoff` (event time). */
export function forgetBefore(b: Baseline, cutoff: number): void {
  for (const [key, g] of b.groups) {
    if (g.last < cutoff) {
      b.groups.delete(key);
      b.size -= g.values.size;
      continue;
    }
    forgetValues(b, g, cutoff);
  }
}

function forgetValues(b: Baseline, g: BaselineGroup, cutoff: number): void {
  for (const [value, seen] of g.values) {
    if (seen.last < cutoff) {
      g.values.delete(value);
      b.size--;
    }
  }
}

/** JSON has no infinities: null is "no event yet". */
export const baselineSnapshotSchema = z.object({
  high: z.number().nullable(),
  /** [group key, group, since, last, [[value, first seen, last seen]]] */
  groups: z.array(
    z.tuple([z.string(), z.record(z.string(), z.unknown()).nullable(), z.number(), z.number(), z.array(z.tuple([z.string(), z.number(), z.number()]))]),
  ),
});

export type BaselineSnapshot = z.infer<typeof baselineSnapshotSchema>;

export function writeBaseline(b: Baseline): BaselineSnapshot {
  return {
    high: Number.isFinite(b.high) ? b.high : null,
    groups: [...b.groups].map(([key, g]) => [key, g.group, g.since, g.last, [...g.values].map(([v, s]) => [v, s.first, s.last] as [string, number, number])]),
  };
}

/** From a snapshot already checked against baselineSnapshotSchema. */
export function readBaseline(data: unknown): Baseline {
  const s = data as BaselineSnapshot;
  const b = emptyBaseline();
  b.high = s.high ?? -Infinity;
  for (const [key, group, since, last, values] of s.groups) {
    const map = new Map(values.map(([v, first, seenLast]) => [v, { first, last: seenLast }] as const));
    b.groups.set(key, { group, since, last, values: map });
    b.size += map.size;
  }
  return b;
}
