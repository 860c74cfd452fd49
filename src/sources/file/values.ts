import { StringDecoder } from 'node:string_decoder';
import { AuditError } from '../../errors.js';
import { MAX_RECORD_BYTES, type Emit, type Splitter } from './lines.js';

const S = {
  Top: 0, // between top-level values
  Array: 1, // inside a top-level array (or a wrapper's), between elements
  Value: 2, // inside an object or nested array
  Str: 3, // inside a string of a Value (or a string element)
  Scalar: 4, // a number/true/false/null element
  Rest: 5, // inside a wrapper object after its array: skipped up to its end
  RestStr: 6, // inside a string there
} as const;
type State = (typeof S)[keyof typeof S];

/**
 * Wrapper objects whose first key leads to the array of records: `{"Records":[` (CloudTrail's S3
 * files) and `{"Response":{"Events":[` (a LookUpEvents page). Their elements stream like a
 * top-level array's, so a delivered file of any size takes one record of memory. Matched only
 * where the whole prefix is in one chunk; otherwise the object is one record, which is the same
 * events, read whole.
 */
const WRAPPERS: [RegExp, number][] = [
  [/\{\s*"Records"\s*:\s*\[/y, 1],
  [/\{\s*"Response"\s*:\s*\{\s*"Events"\s*:\s*\[/y, 2],
];

/** Length of the run of backslashes that ends just before `end` (not reaching before `floor`). */
function backslashesBefore(text: string, end: number, floor: number): number {
  let k = end - 1;
  while (k >= floor && text.charCodeAt(k) === 92) k--;
  return end - 1 - k;
}

/**
 * Splits JSON text into records without parsing it: a top-level array yields each element, a
 * wrapper (above) each element of its array, any other top-level object (pretty-printed or not,
 * one or several in a row) itself. Only depth and strings are tracked, so memory stays at one
 * record however long the array is. Syntax inside a record is left to JSON.parse of that record.
 */
export function valueSplitter(label: string): Splitter {
  const decoder = new StringDecoder('utf8');
  let state: State = S.Top;
  let within: State = S.Top; // where a finished record returns to
  let depth = 0;
  let wrapped = 0; // objects still open around the current array (a wrapper's)
  let escaped = false;
  let line = 1;
  let startLine = 1;
  let parts: string[] = [];
  let partsLength = 0;

  const fail = (at: number, what: string): never => {
    throw new AuditError('E_INPUT', `${label}:${at}: ${what}`);
  };

  /** The end of a wrapper prefix starting at `i` (just after its '['), with how many objects it opened. */
  function wrapperAt(text: string, i: number): [number, number] | null {
    for (const [re, objects] of WRAPPERS) {
      re.lastIndex = i;
      if (re.test(text)) return [re.lastIndex, objects];
    }
    return null;
  }

  function scan(text: string, emit: Emit): void {
    let start = -1; // where the current record begins in `text`, if it began in this chunk
    if (state === S.Value || state === S.Str || state === S.Scalar) start = 0;
    const finish = (endExclusive: number) => {
      const piece = text.slice(start, endExclusive);
      const record = parts.length > 0 ? parts.join('') + piece : piece;
      parts = [];
      partsLength = 0;
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
            state = wrapped > 0 ? S.Rest : S.Top;
            depth = wrapped;
            wrapped = 0;
            break;
          }
          if (state === S.Top && c === 91 /* [ */) {
            state = S.Array;
            break;
          }
          if (state === S.Top && c === 123) {
            const wrapper = wrapperAt(text, i);
            if (wrapper) {
              for (let k = i + 1; k < wrapper[0]; k++) if (text.charCodeAt(k) === 10) line++;
              i = wrapper[0] - 1;
              wrapped = wrapper[1];
              state = S.Array;
              break;
            }
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
        case S.Rest:
          if (c === 34) state = state === S.Value ? S.Str : S.RestStr;
          else if (c === 123 || c === 91) depth++;
          else if ((c === 125 || c === 93) && --depth === 0) {
            if (state === S.Value) finish(i + 1);
            else state = S.Top;
          }
          break;
        case S.Str:
        case S.RestStr: {
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
          if (state === S.RestStr) state = S.Rest;
          else if (depth === 0) finish(i + 1);
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
    if (start !== -1) {
      parts.push(text.slice(start));
      // A record is parsed whole: past this, it would take more memory than any real one needs.
      partsLength += n - start;
      if (partsLength > MAX_RECORD_BYTES) fail(startLine, `record larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB`);
    }
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
      if (state === S.Rest || state === S.RestStr) fail(line, 'unexpected end of input: unterminated object');
    },
  };
}
