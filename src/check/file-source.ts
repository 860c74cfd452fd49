import type { AuditEvent } from '../events/index.js';
import type { Source } from '../sources/types.js';

/**
 * A recorded file as a one-partition source. The check's computed range is ignored (the events
 * are old by nature); only an explicit --since/--until filters them.
 */
export interface FileSource extends Pick<Source, 'partitions' | 'stats'> {
  fetch(): AsyncIterable<AuditEvent>;
}

export function fileSource(input: string, explicit: { since?: Date; until?: Date }, io: { stdin: NodeJS.ReadableStream; warn: (msg: string) => void }): FileSource {
  const start = explicit.since?.getTime() ?? -Infinity;
  const end = explicit.until?.getTime() ?? Infinity;
  return {
    partitions: () => [`file:${input}`],
    stats: () => ({ apiCalls: 0, retries: 0 }),
    async *fetch(): AsyncIterable<AuditEvent> {
      const { readRecordedEvents } = await import('../sources/file/index.js');
      for await (const event of readRecordedEvents(input, io)) {
        if (start === -Infinity && end === Infinity) yield event;
        else {
          const t = Date.parse(event.time);
          if (t >= start && t <= end) yield event;
        }
      }
    },
  };
}
