import { nextFrontier } from '../sources/lateness.js';
import type { PartitionRange } from '../sources/range.js';
import type { Logger } from '../util/logger.js';
import type { RunState } from './ephemeral.js';

/**
 * The checkpoint says "everything before this was fetched", so it only moves forward and only
 * over time this run covered without a gap: an explicit --since later than it, a re-check of
 * an old range, or an --until in the future must not make the next run skip events.
 * With `lateMs` (a polled source, not a stream), the partition's frontier moves too: its settled
 * point and the lateness this run observed (sources/lateness.ts).
 * Returns the end of the time this run fetched.
 */
export function advanceCheckpoint(state: RunState, partition: string, range: PartitionRange, now: Date, logger: Logger, lateMs?: number): number {
  const prev = state.checkpoint(partition);
  const to = range.end < now ? range.end : now;
  // On the range's clock, as it was planned: a re-check with --until observes as of then.
  if (lateMs !== undefined) state.setFrontier(partition, nextFrontier(state.frontier(partition), range.settledMs, to.getTime(), lateMs));
  if (prev && range.start > prev) {
    logger.debug({ partition, checkpoint: prev.toISOString(), start: range.start.toISOString() }, 'checkpoint kept: this range starts after it');
  } else if (!prev || to > prev) state.setCheckpoint(partition, to);
  return to.getTime();
}
