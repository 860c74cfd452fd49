import { AuditError } from '../../errors.js';

/** Called once per record text, with the 1-based line the record starts on. */
export type Emit = (text: string, line: number) => void;

export interface Splitter {
  /** NDJSON (one record a line, so a broken line can be skipped) or one JSON document. */
  readonly kind: 'lines' | 'values';
  push(chunk: Buffer, emit: Emit): void;
  end(emit: Emit): void;
}

const NL = 10;

/**
 * The largest record (an NDJSON line, an array element, a document that is not streamed) read
 * whole; JSON.parse of more would take gigabytes. Delivered files stream record by record, so
 * only a single record this large, or a whole document in a shape that does not stream, fails.
 */
export const MAX_RECORD_BYTES = 128 * 1024 * 1024;

/**
 * NDJSON over Buffer chunks: split on '\n' bytes ourselves (readline costs about a third more)
 * and decode each line on its own. 0x0A never occurs inside a multi-byte UTF-8 sequence, so
 * splitting bytes before decoding is safe. Blank lines are skipped.
 */
export function lineSplitter(label = 'input'): Splitter {
  let tail: Buffer[] = [];
  let tailLength = 0;
  let line = 0;

  const emitLine = (buf: Buffer, start: number, end: number, emit: Emit) => {
    line++;
    if (line === 1 && end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    if (end > start && buf[end - 1] === 13) end--; // CRLF files
    let i = start;
    while (i < end && (buf[i] === 32 || buf[i] === 9 || buf[i] === 13)) i++;
    if (i === end) return;
    emit(buf.toString('utf8', start, end), line);
  };

  return {
    kind: 'lines',
    push(chunk, emit) {
      let start = 0;
      let nl = chunk.indexOf(NL);
      if (nl !== -1 && tail.length > 0) {
        tail.push(chunk.subarray(0, nl));
        const joined = Buffer.concat(tail);
        tail = [];
        tailLength = 0;
        emitLine(joined, 0, joined.length, emit);
        start = nl + 1;
        nl = chunk.indexOf(NL, start);
      }
      while (nl !== -1) {
        emitLine(chunk, start, nl, emit);
        start = nl + 1;
        nl = chunk.indexOf(NL, start);
      }
      if (start < chunk.length) {
        tail.push(chunk.subarray(start));
        tailLength += chunk.length - start;
        if (tailLength > MAX_RECORD_BYTES) throw new AuditError('E_INPUT', `${label}:${line + 1}: record larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB`);
      }
    },
    end(emit) {
      if (tail.length === 0) return;
      const joined = Buffer.concat(tail);
      tail = [];
      tailLength = 0;
      emitLine(joined, 0, joined.length, emit);
    },
  };
}
