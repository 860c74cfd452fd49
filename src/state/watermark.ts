import type { StreamProgress } from '../sources/types.js';
import type { RunState } from './ephemeral.js';

/**
 * Up to where a stream's window points may be judged: the earliest watermark over the topic's
 * partitions. A partition's watermark is the latest event time read from it; one caught up has
 * nothing older than `lateness` still to come, so its watermark is at least `now - lateness`.
 * Each is kept in the state beside the checkpoints, so with Redis every worker sees the partitions
 * the others hold, and a point is judged once every partition has passed it, whoever read them.
 * A partition never read and not caught up holds everything back, and so does a stream that
 * knows none of its partitions yet (a member still joining its group).
 */
export function streamWatermark(state: RunState, progress: readonly StreamProgress[], nowMs: number, latenessMs: number): number {
  if (progress.length === 0) return -Infinity;
  let min = Infinity;
  for (const p of progress) {
    const kept = state.checkpoint(p.name)?.getTime() ?? -Infinity;
    const at = Math.max(kept, p.latestMs ?? -Infinity, p.caughtUp ? nowMs - latenessMs : -Infinity);
    if (at > kept) state.setCheckpoint(p.name, new Date(at));
    min = Math.min(min, at);
  }
  return min;
}

/**
 * What the state keeps after a stream's run follows where judging stands (suppression for the
 * points still to judge, seen ids of the events still in play), never the clock: a backlog may be
 * hours old, and a run that read nothing must not forget what the others still need. Narrows the
 * run's range (`startMs`, `endMs`) that retention measures from.
 */
export function streamRetention(range: { startMs: number; endMs: number }, judgedToMs: number, read: [earliest: string, latest: string] | undefined): void {
  const judgedTo = Number.isFinite(judgedToMs) ? judgedToMs : read ? Date.parse(read[0]) : 0;
  if (read) range.startMs = Math.min(range.startMs, Date.parse(read[0]));
  range.endMs = Math.min(range.endMs, read ? Date.parse(read[1]) : Infinity, judgedTo);
  range.startMs = Math.min(range.startMs, range.endMs);
}
