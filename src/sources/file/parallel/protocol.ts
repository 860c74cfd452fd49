/**
 * What the main thread and the replay workers exchange (see pool.ts). A worker judges a piece of
 * an NDJSON file and sends, per event, only what the main thread needs: the id and time (for
 * dedupe and ordering), which rules matched, and where the line is in the file; the fields window
 * rules count by for events only they matched; nothing more for events nothing matched.
 */
export interface JudgeSetup {
  /** Each compiled rule's `when`, by rule index. */
  whens: unknown[];
  /** Per rule: the top-level fields its state reads when it counts (rules/deferred.ts), or null when it needs the whole event. */
  fields: (string[] | null)[];
  /** Every matched event is handed over whole (`audit rules test` lists them). */
  everyMatch: boolean;
  /** The run's clock, so events are quarantined (events/sanity.ts) as the main thread would. */
  nowMs: number;
  format?: string;
}

/** A piece of a file: the lines whose '\n' lies in [from, to), and the unterminated last line when `last`. */
export interface Piece {
  path: string;
  from: number;
  to: number;
  /** Where the single-threaded reader's chunks end, ascending (the last is `to`): batches end there too, so alerts come out in the same order. */
  cuts: number[];
  last: boolean;
}

/** How an event reaches the main thread. */
export const PLAIN = 0; // no rule matched: id and time only
export const DEFERRED = 1; // only window rules matched: their fields, read whole later if shown
export const WHOLE = 2; // read whole on the main thread at once (a per-event rule, a quarantined event)

export interface JudgedBatch {
  n: number;
  /** Every event's id then time, concatenated; `lens` holds their lengths. */
  text: string;
  lens: Uint32Array;
  /** Start and byte length of the event's line, and which of the line's events it is. */
  pos: Float64Array;
  size: Uint32Array;
  sub: Uint32Array;
  kind: Uint8Array;
  /** For each DEFERRED or WHOLE event in order: the number of matched rules (-1: not judged, quarantined) then their indexes. */
  rules: Int32Array;
  /** The fields of each DEFERRED event, in order. */
  fields: Record<string, unknown>[];
  /** [line within the piece, message] pairs, in order. */
  warnings: (number | string)[];
  /** A file read whole (judge-file.ts): each DEFERRED or WHOLE event, in order, as `R` + its record's text or `E` + the event's JSON... */
  json?: string[];
  /** ...and the problems said before the batch ended, as said (`file:line: ...`). */
  said?: string[];
}

export interface PieceResult {
  batches: JudgedBatch[];
  /** Lines ended in the piece: where the next piece's line numbers start. */
  lines: number;
  /** A file read whole stopped here (after its batches), as the reader on the main thread would have thrown. */
  error?: { message: string; code?: string };
}

/** A small file of a directory, read whole by a worker: any shape and gzip, as stream.ts reads it. */
export interface FileTask {
  path: string;
}

export type Task = { piece: Piece } | { file: FileTask };
