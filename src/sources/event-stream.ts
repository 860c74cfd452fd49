import { insanity, type AuditEvent } from '../events/index.js';
import type { Clock } from '../util/clock.js';
import { ALL_TIME, type Source } from './types.js';

/**
 * `audit events`: a source's normalized events of a range, partition after partition, each page
 * as it arrives (FetchOptions.order 'arrival'), so a reader that stops stops the fetch; events
 * that would be quarantined in a check (events/sanity.ts) are left out, each reported once.
 */
export function eventStream(
  source: Source,
  range: { start?: Date; end?: Date },
  opts: {
    now: Clock;
    onQuarantine: (event: AuditEvent, reason: string) => void;
    onProgress?: (p: { partition: string; pages: number; events: number }) => void;
    signal?: AbortSignal;
  },
) {
  const wanted = { start: range.start ?? ALL_TIME.start, end: range.end ?? ALL_TIME.end };
  const nowMs = opts.now().getTime();
  return (async function* all(): AsyncIterable<AuditEvent[]> {
    for (const partition of source.partitions()) {
      for await (const batch of source.fetch(partition, wanted, { onProgress: opts.onProgress, signal: opts.signal, order: 'arrival' })) {
        let bad = false;
        for (const event of batch) if (insanity(event, nowMs) !== undefined) bad = true;
        if (!bad) {
          yield batch;
          continue;
        }
        yield batch.filter((event) => {
          const reason = insanity(event, nowMs);
          if (reason !== undefined) opts.onQuarantine(event, reason);
          return reason === undefined;
        });
      }
    }
  })();
}
