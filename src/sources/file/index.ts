import { stat } from 'node:fs/promises';
import type { AuditEvent } from '../../events/index.js';
import { AuditError, isAuditError } from '../../errors.js';
import { requireRecordFormat, type RecordFormat } from './formats.js';
import { openInput } from './open.js';
import { directoryJudge } from './parallel/directory.js';
import { judgedBatches, type ParallelOptions } from './parallel/index.js';
import { orderByFirstEvent } from './order.js';
import { notes as makeNotes, recordHandler, SKIPPED, type Notes } from './records.js';
import { streamBatches } from './stream.js';
import { listLogFiles } from './tree.js';

export interface RecordedEventsIO {
  stdin: NodeJS.ReadableStream;
  warn: (msg: string) => void;
  /** Each record (or file) skipped because it could not be read or normalized. */
  skipped?: (reason: string) => void;
  /** Every record read as this provider's (formats.ts), instead of detected per record. */
  format?: string;
  /** Large NDJSON files judged on worker threads (parallel/): with the run's rules only. */
  parallel?: ParallelOptions;
}

/**
 * Streams the events of a recorded file (`-` for stdin) or of a directory of delivered files:
 * JSON arrays, NDJSON, `{"Records":[...]}` or API pages, gzip or not, of any provider's records
 * or already-normalized events, detected per record. Memory holds one chunk and its events, not
 * the file.
 */
export async function* readRecordedEvents(input: string, io: RecordedEventsIO): AsyncGenerator<AuditEvent> {
  for await (const batch of readRecordedBatches(input, io)) yield* batch;
}

/** The same, a chunk's events at a time: what replays of millions use (one await per chunk, not per event). */
export async function* readRecordedBatches(input: string, io: RecordedEventsIO): AsyncGenerator<AuditEvent[]> {
  const forced = io.format === undefined ? undefined : requireRecordFormat(io.format, 'format');
  const label = input === '-' ? 'stdin' : input;
  const notes = makeNotes(io.warn, io.skipped);
  try {
    if (input !== '-' && (await isDirectory(input))) yield* readDirectory(input, io, notes, forced);
    else yield* fileBatches(input, label, io, notes, forced);
  } finally {
    notes.finish(label);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  // A path that cannot be stat'ed is left to openInput, which says why in the same words as ever.
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

function problemOf(err: unknown, path: string): string {
  if (!isAuditError(err)) throw err;
  return err.message.startsWith(path) ? err.message : `${path}: ${err.message}`;
}

/**
 * Every log file under `dir`, one after another in the order of their first events (delivered
 * files each cover a few minutes, in order or nearly so; the engine tolerates the rest up to
 * `lateness`). A file that cannot be read is warned about and set aside, never fatal.
 */
async function* readDirectory(dir: string, io: RecordedEventsIO, notes: Notes, forced: RecordFormat | undefined): AsyncGenerator<AuditEvent[]> {
  const { stdin } = io;
  let files: string[];
  try {
    files = await listLogFiles(dir, (path, why) => notes.say(`${path}: ${why}${SKIPPED}`));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AuditError('E_USAGE', `${dir}: cannot list the directory (${code ?? 'error'})`, { cause: err });
  }
  if (files.length === 0) notes.say(`${dir}: no log files (*.json, *.jsonl, *.ndjson, *.log or no extension, gzipped or not)`);
  const ordered = await orderByFirstEvent(files, stdin, forced, (path, err) => notes.say(`${problemOf(err, path)}${SKIPPED}`));
  const threads = io.parallel ? await directoryJudge(ordered, notes, forced, io.parallel) : undefined;
  try {
    for (const [i, path] of ordered.entries()) {
      try {
        yield* threads ? threads.batches(i, () => readHere(path, path, io, notes, forced)) : fileBatches(path, path, io, notes, forced);
      } catch (err) {
        notes.say(`${problemOf(err, path)}${SKIPPED}`);
      }
    }
  } finally {
    await threads?.close();
  }
}

/** One file (or stdin): split among worker threads when it is large NDJSON and the rules came along, else read here. */
async function* fileBatches(input: string, label: string, io: RecordedEventsIO, notes: Notes, forced: RecordFormat | undefined): AsyncGenerator<AuditEvent[]> {
  const parallel = input === '-' || !io.parallel ? undefined : await judgedBatches(input, notes, forced, io.parallel);
  yield* parallel ?? readHere(input, label, io, notes, forced);
}

async function* readHere(input: string, label: string, io: RecordedEventsIO, notes: Notes, forced: RecordFormat | undefined): AsyncGenerator<AuditEvent[]> {
  yield* streamBatches(await openInput(input, io.stdin, label), label, recordHandler(label, notes, forced));
}
