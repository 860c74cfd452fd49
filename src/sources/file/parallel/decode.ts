import { closeSync, openSync, readSync } from 'node:fs';
import type { AuditEvent } from '../../../events/index.js';
import { AuditError } from '../../../errors.js';
import type { CompiledRule, RuleSet } from '../../../rules/compile.js';
import { MATCHED, MATERIALIZE } from '../../../rules/deferred.js';
import type { RecordFormat } from '../formats.js';
import { notes, recordHandler } from '../records.js';
import { PLAIN, WHOLE, type JudgedBatch } from './protocol.js';

/** Reads an event again from its line in the file, on the main thread. Silent: the worker already warned. */
export interface LineReader {
  event(pos: number, size: number, k: number): AuditEvent;
  /** An event a worker sent as text (protocol.ts, `json`). */
  sent(json: string): AuditEvent;
  /** Ends the read under way; events asked for later (an alert at the end of a run) open the file for each. */
  close(): void;
}

export function lineReader(path: string, forced: RecordFormat | undefined): LineReader {
  let fd: number | undefined;
  let reading = true;
  const handler = recordHandler(path, notes(() => {}), forced);
  return {
    event(pos, size, k) {
      const own = fd === undefined;
      if (own) fd = openSync(path, 'r');
      try {
        const buf = Buffer.allocUnsafe(size);
        const n = readSync(fd!, buf, 0, size, pos);
        const out: AuditEvent[] = [];
        if (n === size) handler.handle(JSON.parse(buf.toString('utf8')), 0, out);
        if (out[k] === undefined) throw new AuditError('E_INPUT', `${path}: the file changed while it was read`);
        return out[k];
      } finally {
        if (own && !reading) {
          closeSync(fd!);
          fd = undefined;
        }
      }
    },
    sent(json) {
      if (json[0] === 'E') return JSON.parse(json.slice(1)) as AuditEvent;
      const out: AuditEvent[] = [];
      handler.handle(JSON.parse(json.slice(1)), 0, out);
      return out[0];
    },
    close() {
      reading = false;
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

const NO_RULES: readonly CompiledRule[] = Object.freeze([]);
const WHERE: unique symbol = Symbol('audit.where');

/** An event no rule matched: what dedupe and ordering read. */
class Plain {
  constructor(
    readonly id: string,
    readonly time: string,
  ) {}
}
Object.defineProperty(Plain.prototype, MATCHED, { value: NO_RULES });

/** An event only window rules matched: the fields they count by; read whole when an alert or a snapshot shows it. */
class Deferred {
  declare [MATCHED]: readonly CompiledRule[];
  /** Where the whole event is: its line in the file, or its JSON (a file read whole on a worker). */
  declare [WHERE]: { reader: LineReader; pos: number; size: number; k: number; json?: string; whole?: AuditEvent };
  constructor(
    readonly id: string,
    readonly time: string,
  ) {}
  [MATERIALIZE](): AuditEvent {
    const w = this[WHERE];
    return (w.whole ??= w.json === undefined ? w.reader.event(w.pos, w.size, w.k) : w.reader.sent(w.json));
  }
}

/** Turns a worker's batch into the events the pipeline reads (rules/deferred.ts). */
export function batchDecoder(ruleSet: RuleSet) {
  const lists = new Map<string, readonly CompiledRule[]>();
  const rulesOf = (rules: Int32Array, at: number, n: number) => {
    const key = n === 1 ? String(rules[at]) : Array.prototype.join.call(rules.subarray(at, at + n), ',');
    let list = lists.get(key);
    if (list === undefined) lists.set(key, (list = Array.from(rules.subarray(at, at + n), (i) => ruleSet.rules[i])));
    return list;
  };
  return (b: JudgedBatch, reader: LineReader): AuditEvent[] => {
    const out: AuditEvent[] = new Array(b.n);
    let off = 0;
    let r = 0;
    let f = 0;
    let j = 0;
    for (let i = 0; i < b.n; i++) {
      const id = b.text.slice(off, (off += b.lens[2 * i]));
      const time = b.text.slice(off, (off += b.lens[2 * i + 1]));
      const kind = b.kind[i];
      if (kind === PLAIN) {
        out[i] = new Plain(id, time) as unknown as AuditEvent;
        continue;
      }
      const n = b.rules[r++];
      const matched = n < 0 ? undefined : rulesOf(b.rules, r, n);
      if (n > 0) r += n;
      const json = b.json?.[j++];
      if (kind === WHOLE) {
        const e = json === undefined ? reader.event(b.pos[i], b.size[i], b.sub[i]) : reader.sent(json);
        // Not judged (quarantined by the worker): the pipeline sets it aside before any rule sees it.
        if (matched) (e as unknown as { [MATCHED]: readonly CompiledRule[] })[MATCHED] = matched;
        out[i] = e;
        continue;
      }
      const d = Object.assign(new Deferred(id, time), b.fields[f++]);
      d[MATCHED] = matched!;
      d[WHERE] = { reader, pos: b.pos[i], size: b.size[i], k: b.sub[i], json };
      out[i] = d as unknown as AuditEvent;
    }
    return out;
  };
}
