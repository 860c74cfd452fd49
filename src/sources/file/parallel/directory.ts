import { stat } from 'node:fs/promises';
import type { AuditEvent } from '../../../events/index.js';
import { AuditError } from '../../../errors.js';
import type { RecordFormat } from '../formats.js';
import type { Notes } from '../records.js';
import { batchDecoder, lineReader } from './decode.js';
import { DEFAULT_MIN_BYTES, judgedBatches, workersFor, type ParallelOptions } from './index.js';
import { createPool } from './pool.js';
import type { PieceResult } from './protocol.js';

const MIN_SAMPLE = 5000;
const MAX_SENT = 0.25;

/** A directory's files in their reading order, judged ahead on worker threads. */
export interface DirectoryJudge {
  /** File `i`'s batches; `here` reads it on this thread (a large file that is not NDJSON). */
  batches(i: number, here: () => AsyncGenerator<AuditEvent[]>): AsyncGenerator<AuditEvent[]>;
  close(): Promise<void>;
}

/**
 * Delivered trails are thousands of small gzipped files: each is read whole by a worker, a few
 * files ahead of the one the main thread merges, and a large NDJSON file is split into pieces on
 * the same workers. Undefined when the directory is small (under `parallelFrom` in all) or the
 * replay stays on one thread.
 */
export async function directoryJudge(paths: string[], notes: Notes, forced: RecordFormat | undefined, opts: ParallelOptions): Promise<DirectoryJudge | undefined> {
  const workers = workersFor(opts, forced);
  if (!workers || paths.length < 2) return undefined;
  const minBytes = opts.minBytes ?? DEFAULT_MIN_BYTES;
  // -1: cannot be stat'ed; read on this thread, which says why in its own words.
  const sizes = await Promise.all(paths.map((p) => stat(p).then((s) => s.size, () => -1)));
  // Work follows the decompressed bytes: gzipped audit JSON is 8 to 15 times smaller, so a gzip file counts 8 times.
  const work = sizes.reduce((sum, n, i) => sum + Math.max(n, 0) * (/\.gz(ip)?$/i.test(paths[i]) ? 8 : 1), 0);
  if (work < minBytes) return undefined;
  opts.debug?.(`${paths.length} files judged on ${workers.threads} worker threads`);
  const pool = createPool(workers.file, workers.threads, workers.setup);
  const decode = batchDecoder(workers.judge.ruleSet);
  const pending = new Map<number, Promise<PieceResult>>();
  // Two files per worker in flight: memory holds a few files' judged batches, never the directory's.
  const depth = workers.threads * 2;
  let next = 0;
  // Every matched event crosses as text and may be parsed again: once more than a quarter of the
  // events match (on 2 CPUs: 1.2x one thread with a tenth, 0.9-1.0x with a third), the main
  // thread reads the remaining files faster itself.
  let judged = 0;
  let sent = 0;
  let told = false;
  let closed = false;
  const worthIt = () => judged < MIN_SAMPLE || sent <= judged * MAX_SENT;
  const ahead = (from: number) => {
    for (next = Math.max(next, from); pending.size < depth && next < paths.length && worthIt(); next++) {
      if (sizes[next] < 0 || sizes[next] >= minBytes) continue;
      const p = pool.run({ file: { path: paths[next] } });
      p.catch(() => undefined); // awaited in order; a later failure must not go unhandled meanwhile
      pending.set(next, p);
    }
  };

  async function* whole(path: string, result: Promise<PieceResult>): AsyncGenerator<AuditEvent[]> {
    const { batches, error } = await result;
    const reader = lineReader(path, forced);
    try {
      for (const b of batches) {
        judged += b.n;
        sent += b.json?.length ?? 0;
        for (const problem of b.said ?? []) notes.say(problem);
        if (b.n > 0) yield decode(b, reader);
      }
    } finally {
      reader.close();
    }
    // Where the main thread's reader would have thrown, after the batches before it.
    if (error) throw error.code?.startsWith('E_') ? new AuditError(error.code as 'E_INPUT', error.message) : new Error(error.message);
  }

  return {
    async *batches(i, here) {
      ahead(i);
      const result = pending.get(i);
      pending.delete(i);
      ahead(i + 1);
      if (result) return yield* whole(paths[i], result);
      if (sizes[i] >= 0 && sizes[i] < minBytes) {
        if (!told) opts.debug?.(`most events match a rule (${Math.round((100 * sent) / judged)}%): the remaining files are read on this thread`);
        told = true;
        // Idle workers still cost their memory; a large file later gets a pool of its own.
        if (pending.size === 0 && !closed) {
          closed = true;
          await pool.close();
        }
        return yield* here();
      }
      yield* (await judgedBatches(paths[i], notes, forced, opts, closed ? undefined : pool)) ?? here();
    },
    close: async () => {
      if (!closed) await pool.close();
    },
  };
}
