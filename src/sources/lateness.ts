/**
 * How late a partition's events really show up, learned from the runs themselves, and so how far
 * back each run re-reads. The configured `lateness` stays the promise (an event that shows up
 * within it is raised once), but it is kept by a sweep that reads each minute once more after it
 * has settled, instead of by every run re-reading the whole of it: a steady account's events are
 * fetched about twice, not lateness/interval + 1 times (sources/range.ts plans both reads).
 */
export interface Frontier {
  /** When runs began to observe this partition: until LEARN_MS later they re-read all of `lateness`, which measures exactly. */
  sinceMs: number;
  /** Everything before this was read at least `lateness` after its time: nothing more can show up there. */
  settledMs: number;
  /** Per hour (its start, ms since the epoch), the latest an event showed up behind where the run before had read. */
  late: [hourMs: number, lateMs: number][];
}

const HOUR_MS = 3_600_000;
/** How long an observation counts: a late spell yesterday still shapes today's re-reads, last week's no longer. */
export const LATE_HORIZON_MS = 24 * HOUR_MS;
/** How long a partition's runs re-read all of `lateness`: every late event is then seen by the next run, and measured. */
export const LEARN_MS = HOUR_MS;
/** Re-reads reach this much further than the latest lateness seen, rounded up to this step. */
const MARGIN = 1.5;
const STEP_MS = 10_000;

/** The most lateness observed within the horizon; 0 when no event has shown up late. */
export function observedLateness(f: Frontier | undefined, nowMs: number): number {
  let max = 0;
  for (const [hour, ms] of f?.late ?? []) if (hour > nowMs - LATE_HORIZON_MS && ms > max) max = ms;
  return max;
}

/**
 * How far behind its checkpoint a run re-reads: what observed lateness needs, never more than
 * `lateness`; the full `lateness` during the first hour of observing (a new partition, an upgrade).
 */
export function refetchDepth(f: Frontier | undefined, latenessMs: number, nowMs: number): number {
  if (!f || nowMs - f.sinceMs < LEARN_MS) return latenessMs;
  const seen = observedLateness(f, nowMs);
  return Math.min(latenessMs, Math.ceil((seen * MARGIN) / STEP_MS) * STEP_MS);
}

/** The settled band is swept once this much of it has gathered (a few calls' boundary pages saved), at least a minute. */
export function sweepEveryMs(latenessMs: number): number {
  return Math.max(60_000, Math.floor(latenessMs / 3));
}

/**
 * Window rules must still count what a sweep finds: it reads events up to `lateness` + one sweep
 * period + a cron interval behind the newest.
 */
export function windowLatenessMs(latenessMs: number): number {
  return latenessMs + sweepEveryMs(latenessMs) + 5 * 60_000;
}

/**
 * What an event new to this run says about lateness: one behind where the previous run had read
 * (its checkpoint) showed up late by at least that much. One the sweep found was later than the
 * re-read depth, by how much is unknown: it counts as twice the depth (at least a minute), so
 * repeated finds widen the re-reads step by step instead of one outlier widening them to the full
 * `lateness` for a day.
 */
export function lateBy(eventMs: number, previousCheckpointMs: number, foundBySweep: boolean, depthMs: number, latenessMs: number): number {
  if (!(eventMs < previousCheckpointMs)) return 0;
  const late = foundBySweep ? Math.max(2 * depthMs, 60_000) : previousCheckpointMs - eventMs;
  return Math.min(latenessMs, late);
}

/** The frontier after a run: its settled point and this hour's observation, older hours past the horizon dropped. */
export function nextFrontier(f: Frontier | undefined, settledMs: number, nowMs: number, lateMs: number): Frontier {
  const hour = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const late = (f?.late ?? []).filter(([h]) => h > nowMs - LATE_HORIZON_MS && h !== hour);
  const current = f?.late.find(([h]) => h === hour)?.[1] ?? 0;
  if (Math.max(current, lateMs) > 0) late.push([hour, Math.max(current, lateMs)]);
  return { sinceMs: f?.sinceMs ?? nowMs, settledMs: Math.max(settledMs, f?.settledMs ?? -Infinity), late };
}
