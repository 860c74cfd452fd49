import { lineSplitter, type Splitter } from './lines.js';
import { valueSplitter } from './values.js';

const WS = new Set([0x20, 0x0a, 0x0d, 0x09]);
/** Enough of a document's start to see the wrapper it opens with (values.ts streams those). */
const PROBE = 256;
/** A first line longer than this is not waited for: the document is split as JSON values. */
const HEAD_MAX = 1024 * 1024;
const WRAPPER_START = /^\{\s*"(?:Records|Response)"\s*:/;

/** Index of the first byte that is not whitespace or a UTF-8 BOM, or -1. */
export function firstContent(buf: Buffer, atStart = true): number {
  let i = atStart && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  while (i < buf.length && WS.has(buf[i])) i++;
  return i < buf.length ? i : -1;
}

function firstLineParses(buf: Buffer, at: number): boolean {
  const nl = buf.indexOf(10, at);
  try {
    JSON.parse(buf.toString('utf8', at, nl === -1 ? buf.length : nl));
    return true;
  } catch {
    return false;
  }
}

export interface Head {
  /** The bytes read so far, in one buffer (a wrapper's prefix must be in one piece for values.ts). */
  head: Buffer;
  ended: boolean;
}

/**
 * Reads enough of the start to choose a splitter: up to the end of the first non-blank line, but
 * not through a whole one-line delivered file (`{"Records":[...]}` as S3 gets it), and never more
 * than HEAD_MAX.
 */
export async function readHead(it: AsyncIterator<Buffer>): Promise<Head> {
  const pending: Buffer[] = [];
  let total = 0;
  let at = -1; // offset of the first content byte
  let newline = false;
  let probed = false;
  for (;;) {
    const r = await it.next();
    if (r.done) return { head: Buffer.concat(pending), ended: true };
    const chunk = r.value;
    const offset = total;
    pending.push(chunk);
    total += chunk.length;
    if (at === -1) {
      const k = firstContent(chunk, pending.length === 1);
      if (k === -1) continue;
      at = offset + k;
      if (chunk[k] !== 0x7b /* { */) break;
      newline = chunk.indexOf(10, k) !== -1;
    } else if (!newline) newline = chunk.indexOf(10) !== -1;
    if (total - at >= HEAD_MAX) break;
    // A short first line that is a whole record: a live pipe must not wait for more to show it.
    if (newline && (total - at >= PROBE || firstLineParses(Buffer.concat(pending), at))) break;
    if (total - at < PROBE) continue;
    if (!probed) {
      probed = true;
      const joined = Buffer.concat(pending);
      if (WRAPPER_START.test(joined.toString('utf8', at, at + PROBE))) break;
    }
  }
  return { head: pending.length === 1 ? pending[0] : Buffer.concat(pending), ended: false };
}

/**
 * NDJSON is the fast path; anything that starts with '[' or whose first line is not a whole
 * JSON value (a pretty-printed document, a one-line delivered file) goes through the
 * depth-aware splitter instead.
 */
export function chooseSplitter({ head, ended }: Head, label: string): Splitter {
  const at = firstContent(head);
  if (at === -1 || head[at] !== 0x7b /* { */) {
    return at !== -1 && head[at] === 0x5b /* [ */ ? valueSplitter(label) : lineSplitter(label);
  }
  if (head.indexOf(10, at) === -1 && !ended) return valueSplitter(label);
  return firstLineParses(head, at) ? lineSplitter(label) : valueSplitter(label);
}
