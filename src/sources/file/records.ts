import type { AuditEvent } from '../../events/index.js';
import { isAuditError } from '../../errors.js';
import { tencentResponseEvents } from '../tencentcloud/normalize.js';
import { detectFormat, type RecordFormat } from './formats.js';

/** A file (or a directory of them) of a million broken records should not print a million lines. */
export const MAX_WARNINGS = 100;

export const SKIPPED = '; skipped';

/** The warnings of one input, a file or every file of a directory, under one budget. */
export interface Notes {
  /** A problem, led by where it is (`file:line: ...`); one ending in "; skipped" also sets the thing aside. */
  say(problem: string): void;
  /** Says how many warnings were held back, if any. */
  finish(label: string): void;
}

export function notes(warn: (msg: string) => void, skipped?: (reason: string) => void): Notes {
  let count = 0;
  return {
    say(problem) {
      count++;
      if (count <= MAX_WARNINGS) warn(problem);
      if (problem.endsWith(SKIPPED)) skipped?.(problem.slice(0, -SKIPPED.length));
    },
    finish(label) {
      if (count > MAX_WARNINGS) warn(`${label}: ${count - MAX_WARNINGS} more warnings not shown`);
      count = 0;
    },
  };
}

export interface RecordHandler {
  /** Turns one parsed value (a record or a container of them) into zero or more events, appended to `out`. */
  /** `text`: the record's own JSON text, when the reader has it (a worker may send it on instead of the event). */
  handle(value: unknown, line: number, out: AuditEvent[], text?: string): void;
  /** A record that could not even be read (a broken NDJSON line): warned and skipped. */
  skip(line: number, why: string): void;
}

/**
 * The records a value holds: `{"Records":[...]}` (CloudTrail's S3 files, and what tracking sets and
 * ActionTrail deliveries may look like) or `{"Response":{"Events":[...]}}` (a LookUpEvents page).
 */
function containerOf(value: unknown): unknown[] | null {
  if (typeof value !== 'object' || value === null) return null;
  const records = (value as { Records?: unknown }).Records;
  if (Array.isArray(records)) return records;
  return tencentResponseEvents(value);
}

/**
 * Per-record format detection (formats.ts), unless `forced`: one file may mix API pages, API
 * events, bare provider records and already-normalized events.
 */
export function recordHandler(label: string, notes: Notes, forced?: RecordFormat, report?: (line: number, msg: string) => void): RecordHandler {
  let line = 0;
  // `report`: a worker thread's lines are numbered from its piece of the file, renumbered where they are said.
  const say = report ? (msg: string) => report(line, msg) : (msg: string) => notes.say(`${label}:${line}: ${msg}`);
  const ctx = { warn: say };

  const record = (value: unknown, out: AuditEvent[]) => {
    const format = forced ?? detectFormat(value);
    if (!format) return say(`not an audit event record${SKIPPED}`);
    try {
      out.push(format.normalize(value, ctx));
    } catch (err) {
      if (!isAuditError(err, 'E_INPUT')) throw err;
      say(`${err.message}${SKIPPED}`);
    }
  };

  const handle = (value: unknown, out: AuditEvent[], nested: boolean): void => {
    if (Array.isArray(value)) {
      if (nested) return say(`not an audit event record${SKIPPED}`);
      for (const v of value) handle(v, out, true);
      return;
    }
    const records = containerOf(value);
    if (records) for (const r of records) record(r, out);
    else record(value, out);
  };

  return {
    handle(value, at, out) {
      line = at;
      handle(value, out, false);
    },
    skip(at, why) {
      line = at;
      say(`${why}${SKIPPED}`);
    },
  };
}
