import type { AuditEvent } from '../../events/index.js';
import { AuditError } from '../../errors.js';
import { lineSplitter, type Emit, type Splitter } from './lines.js';
import { openInput } from './open.js';
import { recordHandler } from './records.js';
import { valueSplitter } from './values.js';

export interface RecordedEventsIO {
  stdin: NodeJS.ReadableStream;
  warn: (msg: string) => void;
  /** Each record skipped because it could not be read or normalized. */
  skipped?: (reason: string) => void;
}

const WS = new Set([0x20, 0x0a, 0x0d, 0x09]);

/** Index of the first byte that is not whitespace or a UTF-8 BOM, or -1. */
function firstContent(buf: Buffer, atStart = true): number {
  let i = atStart && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  while (i < buf.length && WS.has(buf[i])) i++;
  return i < buf.length ? i : -1;
}

/**
 * NDJSON is the fast path; anything that starts with '[' or whose first line is not a whole
 * JSON value (a pretty-printed document) goes through the depth-aware splitter instead.
 */
function chooseSplitter(head: Buffer, label: string): Splitter {
  const at = firstContent(head);
  if (at === -1 || head[at] !== 0x7b /* { */) {
    return at !== -1 && head[at] === 0x5b /* [ */ ? valueSplitter(label) : lineSplitter();
  }
  const nl = head.indexOf(10, at);
  try {
    JSON.parse(head.toString('utf8', at, nl === -1 ? head.length : nl));
    return lineSplitter();
  } catch {
    return valueSplitter(label);
  }
}

/**
 * Streams the events of a recorded file (`-` for stdin): a JSON array or NDJSON, gzip or not,
 * of API responses, API events, bare CloudAudit records or already-normalized events, detected
 * per record. Memory holds one chunk and its events, not the file.
 */
export async function* readRecordedEvents(input: string, io: RecordedEventsIO): AsyncGenerator<AuditEvent> {
  for await (const batch of readRecordedBatches(input, io)) yield* batch;
}

/** The same, a chunk's events at a time: what replays of millions use (one await per chunk, not per event). */
export async function* readRecordedBatches(input: string, io: RecordedEventsIO): AsyncGenerator<AuditEvent[]> {
  const label = input === '-' ? 'stdin' : input;
  const opened = await openInput(input, io.stdin, label);
  const handler = recordHandler(label, io.warn, io.skipped);
  let batch: AuditEvent[] = [];
  let ndjson = false;
  let parsed = 0;
  const emit: Emit = (text, line) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      // V8's message quotes the text, which may be anything (even a secret pasted by mistake): keep the position only.
      const pos = /at position (\d+)/.exec((err as Error).message);
      const problem = `${label}:${line}: not JSON${pos ? ` (column ${Number(pos[1]) + 1})` : ''}`;
      // One broken line in an NDJSON file that has good ones is skipped, not fatal; a file whose
      // first record is not JSON is the wrong file, and a broken JSON document cannot be resynced.
      if (ndjson && parsed > 0) return void handler.skip(line, 'not JSON');
      throw new AuditError('E_INPUT', problem);
    }
    parsed++;
    handler.handle(value, line, batch);
  };
  const it = opened.chunks[Symbol.asyncIterator]();
  try {
    // Read enough of the start to choose a splitter: up to the end of the first non-blank line.
    const pending: Buffer[] = [];
    let first = -1;
    let ended = false;
    for (;;) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      pending.push(r.value);
      if (first === -1) {
        const at = firstContent(r.value, pending.length === 1);
        if (at === -1) continue;
        first = r.value[at];
        if (first !== 0x7b || r.value.indexOf(10, at) !== -1) break;
      } else if (r.value.indexOf(10) !== -1) break;
    }
    const splitter = chooseSplitter(pending.length === 1 ? pending[0] : Buffer.concat(pending), label);
    ndjson = splitter.kind === 'lines';
    // A bad record stops the read, but only after the good records before it are out.
    let failure: unknown;
    const feed = (chunk: Buffer | null) => {
      try {
        if (chunk) splitter.push(chunk, emit);
        else splitter.end(emit);
      } catch (err) {
        failure = err;
      }
    };
    for (const chunk of pending) if (failure === undefined) feed(chunk);
    pending.length = 0;
    if (ended && failure === undefined) feed(null);
    for (;;) {
      if (batch.length > 0) {
        // A fresh array each time: the consumer may keep the one it was given.
        const out = batch;
        batch = [];
        yield out;
      }
      if (failure !== undefined) throw failure;
      if (ended) break;
      const r = await it.next();
      if (r.done) ended = true;
      feed(r.done ? null : r.value);
    }
    handler.finish();
  } finally {
    // Stopping early (a consumer's break) must release the gunzip stream and the file.
    await it.return?.().catch(() => undefined);
    opened.close();
  }
}
