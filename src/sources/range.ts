/**
 * Where a check fetches from, per partition. Events from `newFrom` on are the run's own: an
 * explicit --since, else the checkpoint minus lateness (so events that show up late are still
 * seen; dedupe by id keeps them to one evaluation), else the last 15 minutes. When a window
 * rule starts without saved history (a first run, a changed rule, an explicit --since), the
 * fetch also reaches one lookback before the first point to judge; otherwise the history is
 * in the state and is not fetched again.
 */
import { ALL_TIME } from './types.js';

export const FIRST_RUN_MS = 15 * 60_000;

export interface RangeInput {
  until: Date;
  since?: Date;
  checkpoint?: Date;
  latenessMs: number;
  /** The earliest evaluation point still to judge with fetched history, and how far back it reads; absent when none is. */
  history?: { firstPointMs: number; lookbackMs: number };
}

export interface PartitionRange {
  start: Date;
  end: Date;
  /** Events before this are history for windows only: never marked seen, never alerted on their own. */
  newFrom: Date;
}

export function newFrom(input: Pick<RangeInput, 'until' | 'since' | 'checkpoint' | 'latenessMs'>): Date {
  if (input.since) return input.since;
  if (input.checkpoint) return new Date(input.checkpoint.getTime() - input.latenessMs);
  return new Date(input.until.getTime() - FIRST_RUN_MS);
}

export function partitionRange(input: RangeInput): PartitionRange {
  const from = newFrom(input);
  const historyStart = input.history ? input.history.firstPointMs - input.history.lookbackMs : Infinity;
  const start = new Date(Math.min(from.getTime(), historyStart));
  return { start, end: input.until, newFrom: from };
}

export interface PlanInput {
  /** Partition → its checkpoint, if any. */
  partitions: Map<string, Date | undefined>;
  /** A recording: only an explicit range applies. */
  replay: boolean;
  since?: Date;
  until?: Date;
  latenessMs: number;
  lookbackMs: number;
  /** Some rule judges windows. */
  historyNeeded: boolean;
  /** Some window rule has no saved state to go on from, or --since asks for a range of its own. */
  startsAfresh: boolean;
  /** The earliest point a saved window state judges next: new history must reach back before it too. */
  resumesAt?: number;
}

/**
 * Each partition's range, and where window states started this run begin: their first point is
 * --since, else where the last run stopped (the earliest checkpoint or saved window state), else
 * 15 minutes ago, and
 * their history one lookback before it. A replay without --since judges from its first event.
 */
export function planRanges(input: PlanInput): { ranges: Map<string, PartitionRange>; start: { historyFromMs: number; firstPointMs?: number } } {
  const ranges = new Map<string, PartitionRange>();
  const { since, until, lookbackMs } = input;
  if (input.replay) {
    const from = since ? new Date(since.getTime() - lookbackMs) : ALL_TIME.start;
    for (const p of input.partitions.keys()) ranges.set(p, { start: from, end: until ?? ALL_TIME.end, newFrom: since ?? ALL_TIME.start });
    return { ranges, start: { historyFromMs: since ? from.getTime() : -Infinity, firstPointMs: since?.getTime() } };
  }
  const known = [...input.partitions.values()].filter((c): c is Date => c !== undefined).map((c) => c.getTime());
  if (input.resumesAt !== undefined) known.push(input.resumesAt);
  const firstPointMs = since?.getTime() ?? (known.length ? Math.min(...known) : until!.getTime() - FIRST_RUN_MS);
  for (const [p, checkpoint] of input.partitions) {
    // A partition never fetched before needs the history too, even when the rules have theirs.
    const history = input.historyNeeded && (input.startsAfresh || !checkpoint) ? { firstPointMs, lookbackMs } : undefined;
    ranges.set(p, partitionRange({ until: until!, since, checkpoint, latenessMs: input.latenessMs, history }));
  }
  return { ranges, start: { historyFromMs: firstPointMs - lookbackMs, firstPointMs } };
}
