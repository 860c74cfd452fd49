import type { AuditEvent } from '../events/index.js';
import type { Source } from '../sources/types.js';

/**
 * A recorded file as a one-partition source. The check's computed range is ignored (the events
 * are old by nature); only an explicit --since/--until filters them.
 */
export interface FileSource extends Pick<Source, 'partitions' | 'stats'> {
  fetch(): AsyncIterable<AuditEvent[]>;
}

export function fileSource(input: string, explicit: { since?: Date; until?: Date }, io: { stdin: NodeJS.ReadableStream; warn: (msg: string) => void }): FileSource {
  // Compared as text: normalized times are all ISO-8601 UTC with milliseconds, so order is text order.
  const start = explicit.since?.toISOString();
  const end = explicit.until?.toISOString();
  return {
    partitions: () => [`file:${input}`],
    stats: () => ({ apiCalls: 0, retries: 0 }),
    async *fetch(): AsyncIterable<AuditEvent[]> {
      const { readRecordedBatches } = await import('../sources/file/index.js');
      for await (const batch of readRecordedBatches(input, io)) {
        if (start === undefined && end === undefined) yield batch;
        else {
          const kept = batch.filter((e) => (start === undefined || e.time >= start) && (end === undefined || e.time <= end));
          if (kept.length > 0) yield kept;
        }
      }
    },
  };
}
