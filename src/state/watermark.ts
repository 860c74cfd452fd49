import type { StreamProgress } from '../sources/types.js';
import type { RunState } from './ephemeral.js';

/**
 * Up to where a stream's window points may be judged: the earliest watermark (latest event time
 * read) of the partitions not caught up. Each partition's watermark is kept in the state beside
 * the checkpoints, so with Redis every worker sees the others' partitions, and a point is judged
 * once every partition has passed it, whichever worker read them. A partition never read and not
 * caught up holds everything back; when all are caught up nothing does (Infinity).
 */
export function streamWatermark(state: RunState, progress: readonly StreamProgress[]): number {
  let min = Infinity;
  for (const p of progress) {
    const kept = state.checkpoint(p.name)?.getTime() ?? -Infinity;
    const at = Math.max(kept, p.latestMs ?? -Infinity);
    if (at > kept) state.setCheckpoint(p.name, new Date(at));
    if (!p.caughtUp) min = Math.min(min, at);
  }
  return min;
}
