import { closeSync, openSync } from 'node:fs';
import { insanity, type AuditEvent } from '../../../events/index.js';
import { candidateIndex } from '../../../rules/candidates.js';
import type { CompiledRule } from '../../../rules/compile.js';
import { compileWhen } from '../../../rules/when.js';
import { requireRecordFormat } from '../formats.js';
import { notes, recordHandler } from '../records.js';
import { splitPiece } from './split.js';
import { DEFERRED, PLAIN, WHOLE, type JudgedBatch, type JudgeSetup, type Piece, type PieceResult } from './protocol.js';

interface Matcher {
  candidates(name: string): readonly CompiledRule[];
  fields: (string[] | null)[];
}

/** The rules' conditions, compiled on this thread exactly as the main thread compiled them (rules/compile.ts). */
function matcher(setup: JudgeSetup): Matcher {
  const rules = setup.whens.map((when, index) => {
    const compiled = compileWhen(when, ['when'], [])!;
    return { index, test: compiled.test, names: compiled.names, nameTest: compiled.nameTest } as unknown as CompiledRule;
  });
  return { candidates: candidateIndex(rules), fields: setup.fields };
}

/** Judges one event into a batch: PLAIN, DEFERRED with the fields its rules count by, or WHOLE. */
export type EventJudge = (out: BatchWriter, e: AuditEvent, pos: number, size: number, k: number, text?: string) => void;

export function eventJudge(setup: JudgeSetup): EventJudge {
  const m = matcher(setup);
  // The union of the fields the matched rules read, per set of matched rules.
  const unions = new Map<string, string[] | null>();
  const fieldsOf = (matched: number[]): string[] | null => {
    const key = matched.join(',');
    let keys = unions.get(key);
    if (keys === undefined) {
      const lists = matched.map((i) => m.fields[i]);
      keys = lists.some((l) => l === null) ? null : [...new Set(lists.flat() as string[])].filter((k) => k !== 'id' && k !== 'time');
      unions.set(key, keys);
    }
    return keys;
  };
  const matched: number[] = [];
  return (out, e, pos, size, k, text) => {
    if (insanity(e, setup.nowMs) !== undefined) return out.add(e, pos, size, k, WHOLE, null, undefined, text);
    matched.length = 0;
    const candidates = m.candidates(e.name);
    for (let i = 0; i < candidates.length; i++) if (candidates[i].test(e)) matched.push(candidates[i].index);
    if (matched.length === 0) return out.add(e, pos, size, k, PLAIN, null, undefined);
    const keys = setup.everyMatch ? null : fieldsOf(matched);
    out.add(e, pos, size, k, keys === null ? WHOLE : DEFERRED, matched, keys ?? undefined, text);
  };
}

/** Judges pieces of files for one run: everything but what needs the run's order (dedupe, windows, state). */
export function pieceJudge(setup: JudgeSetup, judge: EventJudge): (piece: Piece) => PieceResult {
  const forced = setup.format === undefined ? undefined : requireRecordFormat(setup.format, 'format');
  return (piece) => {
    const fd = openSync(piece.path, 'r');
    try {
      const batches: JudgedBatch[] = [];
      let out = batchWriter(false);
      let warnings: (number | string)[] = [];
      const handler = recordHandler(piece.path, notes(() => {}), forced, (line, msg) => void warnings.push(line, msg));
      const events: AuditEvent[] = [];
      const lines = splitPiece(fd, piece, {
        line(text, line, pos, size) {
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch {
            // The first line parsed (or the file would not be split): a broken line is skipped, as stream.ts does.
            return handler.skip(line, 'not JSON');
          }
          events.length = 0;
          handler.handle(value, line, events);
          for (let k = 0; k < events.length; k++) judge(out, events[k], pos, size, k);
        },
        cut() {
          batches.push(out.done(warnings));
          out = batchWriter(false);
          warnings = [];
        },
      });
      return { batches, lines };
    } finally {
      closeSync(fd);
    }
  };
}

export type BatchWriter = ReturnType<typeof batchWriter>;

/**
 * One batch being written. `withJson`: a file read whole on a worker (judge-file.ts) cannot be
 * read again by line, so each matched event also travels as its JSON, parsed only if shown.
 */
export function batchWriter(withJson: boolean) {
  const text: string[] = [];
  const lens: number[] = [];
  const pos: number[] = [];
  const size: number[] = [];
  const sub: number[] = [];
  const kind: number[] = [];
  const rules: number[] = [];
  const fields: Record<string, unknown>[] = [];
  const json: string[] = [];
  return {
    add(e: AuditEvent, at: number, bytes: number, k: number, how: number, matched: number[] | null, keys: string[] | undefined, record?: string) {
      text.push(e.id, e.time);
      lens.push(e.id.length, e.time.length);
      pos.push(at);
      size.push(bytes);
      sub.push(k);
      kind.push(how);
      if (how !== PLAIN) {
        if (matched === null) rules.push(-1);
        else rules.push(matched.length, ...matched);
        // A record's own text is read again as the main thread's reader would; else the event's JSON.
        if (withJson) json.push(record === undefined ? `E${JSON.stringify(e)}` : `R${record}`);
      }
      if (keys !== undefined) {
        const picked: Record<string, unknown> = {};
        for (const key of keys) picked[key] = (e as unknown as Record<string, unknown>)[key];
        fields.push(picked);
      }
    },
    done(warnings: (number | string)[], said?: string[]): JudgedBatch {
      return {
        n: kind.length,
        text: text.join(''),
        lens: Uint32Array.from(lens),
        pos: Float64Array.from(pos),
        size: Uint32Array.from(size),
        sub: Uint32Array.from(sub),
        kind: Uint8Array.from(kind),
        rules: Int32Array.from(rules),
        fields,
        warnings,
        ...(withJson ? { json, said } : {}),
      };
    },
  };
}
