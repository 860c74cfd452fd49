/**
 * Where a check fetches from, per partition. Events from `newFrom` on are the run's own: an
 * explicit --since, else everything not yet settled (sources/lateness.ts: nothing can still show
 * up before the settled point), else the last 15 minutes. Each run reads from its checkpoint minus
 * the re-read depth observed lateness needs, and, once a sweep's worth has gathered, the settled
 * band once more (`sweep`), so an event that shows up within `lateness` is still seen; dedupe by id
 * keeps it to one evaluation. When a window rule starts without saved history (a first run, a
 * changed rule, an explicit --since), the fetch also reaches one lookback before the first point
 * to judge; otherwise the history is in the state and is not fetched again.
 */
import type { AuditEvent } from '../events/index.js';
import { refetchDepth, sweepEveryMs, type Frontier } from './lateness.js';
import { ALL_TIME, type FetchOptions, type Source, type TimeRange } from './types.js';

export const FIRST_RUN_MS = 15 * 60_000;

export interface RangeInput {
  until: Date;
  since?: Date;
  checkpoint?: Date;
  latenessMs: number;
  /** The earliest evaluation point still to judge with fetched history, and how far back it reads; absent when none is. */
  history?: { firstPointMs: number; lookbackMs: number };
  /** What earlier runs learned about this partition's lateness, and where it has settled. */
  frontier?: Frontier;
  /** The clock: nothing after it has been read, whatever --until says. Default: `until`. */
  nowMs?: number;
}

export interface PartitionRange {
  /** The earliest time fetched (the sweep's start, when there is one). */
  start: Date;
  end: Date;
  /** Events before this are history for windows only: never marked seen, never alerted on their own. */
  newFrom: Date;
  /** The settled band read once more, before the main range (which then starts at `main`). */
  sweep?: TimeRange;
  /** Where the main range starts (`start` unless there is a sweep). */
  main: Date;
  /** How far behind the checkpoint the main range re-reads. */
  depthMs: number;
  /** The settled point once both reads succeed. */
  settledMs: number;
}

export function partitionRange(input: RangeInput): PartitionRange {
  const { until, since, checkpoint, latenessMs, frontier } = input;
  const nowMs = Math.min(until.getTime(), input.nowMs ?? Infinity);
  const depthMs = refetchDepth(frontier, latenessMs, nowMs);
  const fromMs = since ? since.getTime() : checkpoint ? checkpoint.getTime() - depthMs : until.getTime() - FIRST_RUN_MS;
  const historyStart = input.history ? input.history.firstPointMs - input.history.lookbackMs : Infinity;
  let mainMs = Math.min(fromMs, historyStart);
  // Nothing before this can still show up: before an upgrade every run re-read all of `lateness`.
  const settled = frontier?.settledMs ?? (checkpoint ? checkpoint.getTime() - latenessMs : fromMs);
  const ripe = nowMs - latenessMs;
  let sweep: TimeRange | undefined;
  if (!since && mainMs > settled) {
    const end = Math.min(ripe, mainMs);
    // Adjacent: one range. Otherwise swept once a sweep's worth has settled.
    if (end >= mainMs) mainMs = settled;
    else if (end - settled >= sweepEveryMs(latenessMs)) sweep = { start: new Date(settled), end: new Date(end) };
  }
  const covered = mainMs <= settled || sweep !== undefined;
  // An unseen event anywhere not yet settled is new: it showed up late.
  const newFromMs = since ? fromMs : sweep ? settled : Math.min(fromMs, Math.max(settled, mainMs));
  return {
    start: new Date(sweep ? sweep.start.getTime() : mainMs),
    end: until,
    newFrom: new Date(newFromMs),
    sweep,
    main: new Date(mainMs),
    depthMs,
    settledMs: covered ? Math.max(settled, ripe) : settled,
  };
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
  /** Partition → what earlier runs learned of its lateness (sources/lateness.ts). */
  frontiers?: Map<string, Frontier | undefined>;
  nowMs?: number;
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
    for (const p of input.partitions.keys()) ranges.set(p, { start: from, main: from, end: until ?? ALL_TIME.end, newFrom: since ?? ALL_TIME.start, depthMs: 0, settledMs: -Infinity });
    return { ranges, start: { historyFromMs: since ? from.getTime() : -Infinity, firstPointMs: since?.getTime() } };
  }
  const known = [...input.partitions.values()].filter((c): c is Date => c !== undefined).map((c) => c.getTime());
  if (input.resumesAt !== undefined) known.push(input.resumesAt);
  const firstPointMs = since?.getTime() ?? (known.length ? Math.min(...known) : until!.getTime() - FIRST_RUN_MS);
  for (const [p, checkpoint] of input.partitions) {
    // A partition never fetched before needs the history too, even when the rules have theirs.
    const history = input.historyNeeded && (input.startsAfresh || !checkpoint) ? { firstPointMs, lookbackMs } : undefined;
    ranges.set(p, partitionRange({ until: until!, since, checkpoint, latenessMs: input.latenessMs, history, frontier: input.frontiers?.get(p), nowMs: input.nowMs }));
  }
  return { ranges, start: { historyFromMs: firstPointMs - lookbackMs, firstPointMs } };
}

/** A partition's planned reads in time order, the sweep first: each batch with whether the sweep read it. */
export async function* fetchPlanned(source: Source, partition: string, range: PartitionRange, options: FetchOptions): AsyncIterable<[batch: AuditEvent[], swept: boolean]> {
  if (range.sweep) for await (const batch of source.fetch(partition, range.sweep, options)) yield [batch, true];
  for await (const batch of source.fetch(partition, { start: range.main, end: range.end }, options)) yield [batch, false];
}
