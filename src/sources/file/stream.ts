import type { AuditEvent } from '../../events/index.js';
import { AuditError } from '../../errors.js';
import { chooseSplitter, readHead } from './head.js';
import type { Emit } from './lines.js';
import type { OpenedInput } from './open.js';
import type { RecordHandler } from './records.js';

/** Thrown out of the splitter to stop at the first event (ordering a directory's files). */
const STOP = Symbol('stop');

/**
 * The events of one opened input, a chunk's worth at a time (one await per chunk, not per event:
 * what replays of millions need). `firstOnly` stops after the first event.
 */
export async function* streamBatches(opened: OpenedInput, label: string, handler: RecordHandler, firstOnly = false): AsyncGenerator<AuditEvent[]> {
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
    handler.handle(value, line, batch, text);
    if (firstOnly && batch.length > 0) throw STOP;
  };
  const it = opened.chunks[Symbol.asyncIterator]();
  try {
    const start = await readHead(it);
    const splitter = chooseSplitter(start, label);
    ndjson = splitter.kind === 'lines';
    let ended = start.ended;
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
    feed(start.head);
    if (ended && failure === undefined) feed(null);
    for (;;) {
      if (batch.length > 0) {
        // A fresh array each time: the consumer may keep the one it was given.
        const out = batch;
        batch = [];
        yield out;
      }
      if (failure === STOP) return;
      if (failure !== undefined) throw failure;
      if (ended) break;
      const r = await it.next();
      if (r.done) ended = true;
      feed(r.done ? null : r.value);
    }
  } finally {
    // Stopping early (a consumer's break) must release the gunzip stream and the file.
    await it.return?.().catch(() => undefined);
    opened.close();
  }
}
