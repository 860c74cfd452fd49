import { Readable } from 'node:stream';
import type { AuditEvent } from '../../../events/index.js';
import { requireRecordFormat } from '../formats.js';
import { openInput } from '../open.js';
import { recordHandler, type Notes, type RecordHandler } from '../records.js';
import { streamBatches } from '../stream.js';
import { batchWriter, type EventJudge } from './judge.js';
import type { FileTask, JudgedBatch, JudgeSetup, PieceResult } from './protocol.js';

const NO_STDIN = Readable.from([]);

/**
 * Judges a directory's small files whole on a worker: read exactly as the main thread's reader
 * reads them (gzip, NDJSON, JSON documents, API pages), batch for batch, every problem said in
 * the same words; a file that fails stops after the batches before the failure, as it would there.
 */
export function fileJudge(setup: JudgeSetup, judge: EventJudge): (task: FileTask) => Promise<PieceResult> {
  const forced = setup.format === undefined ? undefined : requireRecordFormat(setup.format, 'format');
  return async ({ path }) => {
    const batches: JudgedBatch[] = [];
    // Said on the main thread, in order, under the input's one warning budget.
    let said: string[] = [];
    const collect: Notes = { say: (problem) => void said.push(problem), finish() {} };
    const inner = recordHandler(path, collect, forced);
    // The text of each event's record, while it is one record of one line: sent on as it is, it
    // costs the main thread a parse only if the event is shown, and this thread no JSON.stringify.
    let texts: (string | undefined)[] = [];
    const handler: RecordHandler = {
      handle(value, line, out, text) {
        const before = out.length;
        inner.handle(value, line, out);
        for (let k = before; k < out.length; k++) texts.push(out.length - before === 1 ? text : undefined);
      },
      skip: (line, why) => inner.skip(line, why),
    };
    const flush = (events: AuditEvent[]) => {
      const out = batchWriter(true);
      for (let k = 0; k < events.length; k++) judge(out, events[k], 0, 0, k, texts[k]);
      texts = texts.slice(events.length);
      batches.push(out.done([], said));
      said = [];
    };
    try {
      for await (const events of streamBatches(await openInput(path, NO_STDIN, path), path, handler)) flush(events);
    } catch (err) {
      const e = err as { message?: string; code?: string };
      if (said.length > 0) flush([]);
      return { batches, lines: 0, error: { message: e?.message ?? String(err), code: e?.code } };
    }
    if (said.length > 0) flush([]);
    return { batches, lines: 0 };
  };
}
