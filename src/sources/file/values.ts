import { StringDecoder } from 'node:string_decoder';
import { AuditError } from '../../errors.js';
import type { Emit, Splitter } from './lines.js';

const S = {
  Top: 0, // between top-level values
  Array: 1, // inside a top-level array, between elements
  Value: 2, // inside an object or nested array
  Str: 3, // inside a string of a Value (or a string element)
  Scalar: 4, // a number/true/false/null element
} as const;
type State = (typeof S)[keyof typeof S];

/**
 * Splits JSON text into records without parsing it: a top-level array yields each element,
 * a top-level object (pretty-printed or not, one or several in a row) yields itself. Only
 * depth and strings are tracked, so memory stays at one record however long the array is.
 * Syntax inside a record is left to JSON.parse of that record.
 */
/** Length of the run of backslashes that ends just before `end` (not reaching before `floor`). */
function backslashesBefore(text: string, end: number, floor: number): number {
  let k = end - 1;
  while (k >= floor && text.charCodeAt(k) === 92) k--;
  return end - 1 - k;
}

export function valueSplitter(label: string): Splitter {
  const decoder = new StringDecoder('utf8');
  let state: State = S.Top;
  let within: State = S.Top; // where a finished record returns to
  let depth = 0;
  let escaped = false;
  let line = 1;
  let startLine = 1;
  let parts: string[] = [];

  const fail = (at: number, what: string): never => {
    throw new AuditError('E_INPUT', `${label}:${at}: ${what}`);
  };

  function scan(text: string, emit: Emit): void {
    let start = -1; // where the current record begins in `text`, if it began in this chunk
    if (state === S.Value || state === S.Str || state === S.Scalar) start = 0;
    const finish = (endExclusive: number) => {
      const piece = text.slice(start, endExclusive);
      const record = parts.length > 0 ? parts.join('') + piece : piece;
      parts = [];
      start = -1;
      state = within;
      emit(record, startLine);
    };
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      switch (state) {
        case S.Top:
        case S.Array:
          if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff) break;
          if (state === S.Array && c === 44 /* , */) break;
          if (state === S.Array && c === 93 /* ] */) {
            state = S.Top;
            break;
          }
          if (state === S.Top && c === 91 /* [ */) {
            state = S.Array;
            break;
          }
          within = state;
          start = i;
          startLine = line;
          if (c === 123 || c === 91) {
            state = S.Value;
            depth = 1;
          } else if (state === S.Top) {
            fail(line, 'not JSON: expected an object or an array');
          } else if (c === 34) {
            state = S.Str;
            depth = 0;
          } else state = S.Scalar;
          break;
        case S.Value:
          if (c === 34) state = S.Str;
          else if (c === 123 || c === 91) depth++;
          else if ((c === 125 || c === 93) && --depth === 0) finish(i + 1);
          break;
        case S.Str: {
          // Jump from quote to quote: most of a CloudAudit record is one long escaped string.
          let from = i;
          if (escaped) {
            escaped = false;
            from = i + 1;
          }
          let q = text.indexOf('"', from);
          while (q !== -1 && backslashesBefore(text, q, from) % 2 === 1) q = text.indexOf('"', q + 1);
          if (q === -1) {
            escaped = backslashesBefore(text, n, from) % 2 === 1;
            i = n;
            break;
          }
          i = q;
          if (depth === 0) finish(i + 1);
          else state = S.Value;
          break;
        }
        case S.Scalar:
          if (c === 44 || c === 93 || c === 32 || c === 10 || c === 13 || c === 9) {
            finish(i);
            i--; // the delimiter belongs to the array
            if (c === 10) line--;
          }
          break;
      }
    }
    if (start !== -1) parts.push(text.slice(start));
  }

  return {
    kind: 'values',
    push(chunk, emit) {
      scan(decoder.write(chunk), emit);
    },
    end(emit) {
      scan(decoder.end(), emit);
      if (state === S.Value || state === S.Str) fail(startLine, 'unexpected end of input inside a record');
      if (state === S.Array || state === S.Scalar) fail(line, 'unexpected end of input: unterminated array');
    },
  };
}
