import type { PartitionRange } from '../sources/range.js';
import type { Logger } from '../util/logger.js';
import type { RunState } from './ephemeral.js';

/**
 * The checkpoint says "everything before this was fetched", so it only moves forward and only
 * over time this run covered without a gap: an explicit --since later than it, a re-check of
 * an old range, or an --until in the future must not make the next run skip events.
 * Returns the end of the time this run fetched.
 */
export function advanceCheckpoint(state: RunState, partition: string, range: PartitionRange, now: Date, logger: Logger): number {
  const prev = state.checkpoint(partition);
  const to = range.end < now ? range.end : now;
  if (prev && range.start > prev) {
    logger.debug({ partition, checkpoint: prev.toISOString(), start: range.start.toISOString() }, 'checkpoint kept: this range starts after it');
  } else if (!prev || to > prev) state.setCheckpoint(partition, to);
  return to.getTime();
}
