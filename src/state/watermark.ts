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
