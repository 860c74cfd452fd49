import * as z from 'zod';
import { storedEventSchema, type AuditEvent } from '../events/index.js';
import { fullEvent } from './deferred.js';
import type { Group } from './group.js';

/** Matching events whose time falls in (b - bucket, b], for one group. */
export interface Bucket {
  n: number;
  /**
   * The latest of them (ties broken by id, so arrival order does not matter): what an alert shows.
   * Let go once no future point's window shows this bucket; its time and id stay for the ordering.
   */
  last: AuditEvent | undefined;
  lastMs: number;
  lastId: string;
  values: Set<string> | undefined;
}

export interface GroupState {
  group: Group;
  /** Bucket end (epoch ms) → bucket. */
  buckets: Map<number, Bucket>;
  /** The latest bucket end. */
  newest: number;
  /** The earliest and latest buckets late events landed in since the last advance. */
  dirtyFrom: number;
  dirtyTo: number;
}

export interface WindowClock {
  /** Events after this were all pushed: points whose lookback starts before it are not judged. */
  historyFrom: number;
  /** Every point up to this was judged (NaN: none yet, the first event decides where to start). */
  judged: number;
  /** Buckets up to this were dropped; an event for one of them is too late to count. */
  pruned: number;
  /** The highest watermark seen. */
  high: number;
}

/** JSON has no infinities or NaN: null stands for "unbounded" (historyFrom, pruned, high) or "none yet" (judged). */
const time = z.number().nullable();
export const windowSnapshotSchema = z.object({
  historyFrom: time,
  judged: time,
  pruned: time,
  high: time,
  /** [group key, group, [[bucket end, count, latest time, latest id, latest event or null, distinct values or null]]] */
  groups: z.array(
    z.tuple([
      z.string(),
      z.record(z.string(), z.unknown()).nullable(),
      z.array(z.tuple([z.number(), z.number().int().positive(), z.number(), z.string(), storedEventSchema.nullable(), z.array(z.string()).nullable()])),
    ]),
  ),
});

export type WindowSnapshot = z.infer<typeof windowSnapshotSchema>;

const out = (ms: number) => (Number.isFinite(ms) ? ms : null);

export function writeWindowSnapshot(clock: WindowClock, groups: Map<string, GroupState>): WindowSnapshot {
  return {
    historyFrom: out(clock.historyFrom),
    judged: out(clock.judged),
    pruned: out(clock.pruned),
    high: out(clock.high),
    groups: [...groups].map(([key, gs]) => [
      key,
      gs.group,
      [...gs.buckets].map(([b, k]) => [b, k.n, k.lastMs, k.lastId, k.last ? fullEvent(k.last) : null, k.values ? [...k.values] : null] as const),
    ]) as WindowSnapshot['groups'],
  };
}

/** From a snapshot already checked against windowSnapshotSchema. */
export function readWindowSnapshot(data: unknown): { clock: WindowClock; groups: Map<string, GroupState> } {
  const s = data as WindowSnapshot;
  const groups = new Map<string, GroupState>();
  for (const [key, group, buckets] of s.groups) {
    const map = new Map<number, Bucket>();
    for (const [b, n, lastMs, lastId, last, values] of buckets) map.set(b, { n, last: last ?? undefined, lastMs, lastId, values: values ? new Set(values) : undefined });
    groups.set(key, { group, buckets: map, newest: Math.max(...map.keys()), dirtyFrom: Infinity, dirtyTo: -Infinity });
  }
  return {
    clock: { historyFrom: s.historyFrom ?? -Infinity, judged: s.judged ?? NaN, pruned: s.pruned ?? -Infinity, high: s.high ?? -Infinity },
    groups,
  };
}
