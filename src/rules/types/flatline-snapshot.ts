import * as z from 'zod';
import { storedEventSchema, type AuditEvent } from '../../events/index.js';
import { fullEvent } from '../deferred.js';
import type { Group } from '../group.js';

/** The matching events of one group whose time falls in (b - bucket, b]. */
export interface FlatBucket {
  n: number;
  /** The latest of them (ties broken by id): what an alert at a later point shows. */
  last: AuditEvent;
  lastMs: number;
}

export interface FlatGroup {
  group: Group;
  /** Bucket end (epoch ms) → bucket, for the buckets a point still to judge may read. */
  buckets: Map<number, FlatBucket>;
  /** The latest event of the buckets already let go (older than any window still to judge). */
  settled: FlatBucket | undefined;
  /** In a quiet spell: alerted (or suppressed) once, and not again until it has `lt` events in a window. */
  quiet: boolean;
  /** The latest bucket end, and the latest event time (not stored: the buckets say them). */
  newest: number;
  lastMs: number;
}

export interface FlatClock {
  /** Events after this were all pushed: points whose window starts before it are not judged. */
  historyFrom: number;
  /** Every point up to this was judged (NaN: none yet, the first event decides where to start). */
  judged: number;
  /** Buckets up to this were let go; an event for one of them is too late to count. */
  pruned: number;
}

const time = z.number().nullable();
const bucket = z.tuple([z.number(), z.number().int().positive(), z.number(), storedEventSchema]);

export const flatlineSnapshotSchema = z.object({
  historyFrom: time,
  judged: time,
  pruned: time,
  /** [group key, group, quiet, settled bucket or null, [[bucket end, count, latest time, latest event]]] */
  groups: z.array(z.tuple([z.string(), z.record(z.string(), z.unknown()).nullable(), z.boolean(), bucket.nullable(), z.array(bucket)])),
});

type FlatSnapshot = z.infer<typeof flatlineSnapshotSchema>;

const out = (ms: number) => (Number.isFinite(ms) ? ms : null);
const row = (b: number, k: FlatBucket) => [b, k.n, k.lastMs, fullEvent(k.last)] as [number, number, number, AuditEvent];

export function writeFlatline(clock: FlatClock, groups: Map<string, FlatGroup>): FlatSnapshot {
  return {
    historyFrom: out(clock.historyFrom),
    judged: out(clock.judged),
    pruned: out(clock.pruned),
    groups: [...groups].map(([key, g]) => [key, g.group, g.quiet, g.settled ? row(0, g.settled) : null, [...g.buckets].map(([b, k]) => row(b, k))]),
  };
}

/** From a snapshot already checked against flatlineSnapshotSchema. */
export function readFlatline(data: unknown): { clock: FlatClock; groups: Map<string, FlatGroup> } {
  const s = data as FlatSnapshot;
  const bucketOf = ([, n, lastMs, last]: FlatSnapshot['groups'][number][4][number]): FlatBucket => ({ n, lastMs, last: last as AuditEvent });
  const groups = new Map<string, FlatGroup>();
  for (const [key, group, quiet, settled, buckets] of s.groups) {
    const map = new Map(buckets.map((b) => [b[0], bucketOf(b)] as const));
    const kept = settled ? bucketOf(settled) : undefined;
    const lastMs = Math.max(kept?.lastMs ?? -Infinity, ...[...map.values()].map((k) => k.lastMs));
    groups.set(key, { group, quiet, settled: kept, buckets: map, newest: Math.max(-Infinity, ...map.keys()), lastMs });
  }
  return { clock: { historyFrom: s.historyFrom ?? -Infinity, judged: s.judged ?? NaN, pruned: s.pruned ?? -Infinity }, groups };
}
