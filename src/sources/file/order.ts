import type { RecordFormat } from './formats.js';
import { openInput } from './open.js';
import { notes, recordHandler } from './records.js';
import { streamBatches } from './stream.js';

/** Enough to reach the first record of any delivered file without reading the rest. */
const PEEK_CHUNK = 16 * 1024;
/** Files peeked at once: opening is the slow part, and descriptors are finite. */
const PEEK_CONCURRENCY = 8;

/**
 * The time of a file's first event, or null when it has none. Its warnings are left to the real
 * read, which comes across the same records again.
 */
async function firstEventTime(path: string, stdin: NodeJS.ReadableStream, forced: RecordFormat | undefined): Promise<string | null> {
  const opened = await openInput(path, stdin, path, PEEK_CHUNK);
  const handler = recordHandler(path, notes(() => {}), forced);
  for await (const batch of streamBatches(opened, path, handler, true)) return batch[0].time;
  return null;
}

/**
 * `files` in the order of their first events (ISO times compare as text); files without any
 * event first (they only warn), ties in the given order. A file that fails before its first
 * event would fail the same way when read: it is reported here and left out.
 */
export async function orderByFirstEvent(
  files: string[],
  stdin: NodeJS.ReadableStream,
  forced: RecordFormat | undefined,
  failed: (path: string, err: unknown) => void,
): Promise<string[]> {
  const times: (string | null | undefined)[] = new Array(files.length);
  const errors = new Map<number, unknown>();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      try {
        times[i] = await firstEventTime(files[i], stdin, forced);
      } catch (err) {
        errors.set(i, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PEEK_CONCURRENCY, files.length) }, worker));
  // Reported in file order, whichever peek finished first.
  for (const i of [...errors.keys()].sort((a, b) => a - b)) failed(files[i], errors.get(i));
  const kept = files.map((path, i) => ({ path, i, time: times[i] })).filter((f) => f.time !== undefined);
  kept.sort((a, b) => (a.time === b.time ? a.i - b.i : a.time === null ? -1 : b.time === null ? 1 : a.time! < b.time! ? -1 : 1));
  return kept.map((f) => f.path);
}
