import { readSync } from 'node:fs';
import { AuditError } from '../../../errors.js';
import { MAX_RECORD_BYTES } from '../lines.js';
import type { Piece } from './protocol.js';

export interface LineSink {
  /** One non-blank line: its text, its line number within the piece, its start and byte length in the file. */
  line(text: string, line: number, pos: number, size: number): void;
  /** The end of one of the piece's batches. */
  cut(): void;
}

const BACK = 64 * 1024;

function readFully(fd: number, buf: Buffer, at: number, path: string): void {
  for (let done = 0; done < buf.length; ) {
    const n = readSync(fd, buf, done, buf.length - done, at + done);
    if (n === 0) throw new AuditError('E_INPUT', `${path}: the file got shorter while it was read`);
    done += n;
  }
}

/** Where the line holding byte `from - 1`'s successor starts: just after the last '\n' before `from`. */
function lineStart(fd: number, from: number, path: string): number {
  let end = from;
  while (end > 0) {
    const begin = Math.max(0, end - BACK);
    const buf = Buffer.allocUnsafe(end - begin);
    readFully(fd, buf, begin, path);
    const nl = buf.lastIndexOf(10);
    if (nl !== -1) return begin + nl + 1;
    if (from - begin > MAX_RECORD_BYTES) throw new AuditError('E_INPUT', `${path}: record larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB`);
    end = begin;
  }
  return 0;
}

let spare = Buffer.alloc(0);

/**
 * One buffer per worker, reused piece after piece: lines leave it as strings, and a fresh megabyte
 * per piece was external memory the heap's GC let pile up (about 20 MB a worker).
 */
function scratch(n: number): Buffer {
  if (spare.length < n) spare = Buffer.allocUnsafe(Math.max(n, spare.length * 2));
  return spare.subarray(0, n);
}

/**
 * The lines of a piece, as lines.ts splits them (a BOM on the file's first line, CRLF, blank
 * lines), with a cut wherever the single-threaded reader's batch would end. Returns the number of
 * lines ended in the piece.
 */
export function splitPiece(fd: number, piece: Piece, sink: LineSink): number {
  const start = lineStart(fd, piece.from, piece.path);
  const buf = scratch(piece.to - start);
  readFully(fd, buf, start, piece.path);
  const emit = (s: number, e: number, line: number) => {
    if (line === 1 && piece.from === 0 && e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3;
    if (e > s && buf[e - 1] === 13) e--;
    let i = s;
    while (i < e && (buf[i] === 32 || buf[i] === 9 || buf[i] === 13)) i++;
    if (i < e) sink.line(buf.toString('utf8', s, e), line, start + s, e - s);
  };
  const { cuts } = piece;
  let lines = 0;
  let s = 0;
  let c = 0;
  for (let nl = buf.indexOf(10, piece.from - start); nl !== -1; nl = buf.indexOf(10, s)) {
    while (start + nl >= cuts[c]) {
      sink.cut();
      c++;
    }
    emit(s, nl, ++lines);
    s = nl + 1;
  }
  for (; c < cuts.length; c++) sink.cut();
  // The unterminated last line is a batch of its own, as lines.ts's end() makes it.
  if (piece.last && s < buf.length) {
    emit(s, buf.length, lines + 1);
    sink.cut();
  }
  return lines;
}
