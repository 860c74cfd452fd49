import { availableParallelism } from 'node:os';
import { open, stat } from 'node:fs/promises';
import type { AuditEvent } from '../../../events/index.js';
import type { RuleSet } from '../../../rules/compile.js';
import { fieldsAtPush } from '../../../rules/deferred.js';
import type { RecordFormat } from '../formats.js';
import { chooseSplitter, readHead } from '../head.js';
import { openInput } from '../open.js';
import type { Notes } from '../records.js';
import { batchDecoder, lineReader } from './decode.js';
import { createPool, workerFile, type Pool } from './pool.js';
import type { JudgeSetup, Piece, PieceResult } from './protocol.js';

/** What a replay's rules need to be judged on worker threads (pipeline.ts hands it to the source). */
export interface Judge {
  ruleSet: RuleSet;
  nowMs: number;
  /** `audit rules test`: every matched event is handed over whole. */
  everyMatch: boolean;
}

export interface ParallelOptions {
  judge?: Judge;
  /** Worker threads; 1 reads on the main thread alone. Default: one per CPU. */
  threads?: number;
  /** Files smaller than this are read on the main thread: starting workers costs more than they save. */
  minBytes?: number;
  /** Told when a file is split among workers. */
  debug?: (msg: string) => void;
}

export const DEFAULT_MIN_BYTES = 16 * 1024 * 1024;
/** The single-threaded reader's chunk (open.ts): batches end where its chunks do. */
const CHUNK = 256 * 1024;
/**
 * Chunks per piece a worker judges at once (1 MiB): results wait on the main thread until their
 * turn, so bigger pieces cost memory (4 MiB pieces peaked 40 MB higher on 1M events) for no speed.
 */
const PIECE_CHUNKS = 4;

/** The pieces of a plain NDJSON file, or undefined when it must be read on one thread (gzip, one JSON document, small). */
async function pieces(path: string, minBytes: number): Promise<Piece[] | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile() || info.size < minBytes) return undefined;
  const fh = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    if (bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) return undefined;
  } finally {
    await fh.close();
  }
  // The same first read as stream.ts: where its first batch ends, and whether the file is NDJSON.
  const opened = await openInput(path, process.stdin, path);
  let headBytes: number;
  try {
    const head = await readHead(opened.chunks[Symbol.asyncIterator]());
    if (head.ended || chooseSplitter(head, path).kind !== 'lines') return undefined;
    headBytes = head.head.length;
  } finally {
    opened.close();
  }
  const out: Piece[] = [];
  let cuts: number[] = [];
  for (let cut = headBytes, from = 0; ; cut += CHUNK) {
    cuts.push(Math.min(cut, info.size));
    if (cut >= info.size || cuts.length === PIECE_CHUNKS) {
      const to = cuts[cuts.length - 1];
      out.push({ path, from, to, cuts, last: to === info.size });
      from = to;
      cuts = [];
      if (to === info.size) return out;
    }
  }
}

function setupOf(judge: Judge, format: string | undefined): JudgeSetup | undefined {
  const whens = judge.ruleSet.rules.map((r) => r.rule.when);
  try {
    structuredClone(whens); // conditions are YAML data; anything else stays on this thread
  } catch {
    return undefined;
  }
  return { whens, fields: judge.ruleSet.rules.map(fieldsAtPush), everyMatch: judge.everyMatch, nowMs: judge.nowMs, format };
}

/** Workers for a replay: how many, their entry file and what they judge; undefined when it stays on one thread. */
export function workersFor(opts: ParallelOptions, forced: RecordFormat | undefined): { threads: number; file: string; setup: JudgeSetup; judge: Judge } | undefined {
  // The main thread's share (dedupe, windows, output) is small beside a worker's (one worker alone
  // barely beats one thread), so by default every CPU gets a worker: 2 CPUs replay 1.5x faster.
  const threads = opts.threads ?? availableParallelism();
  const file = workerFile();
  if (!opts.judge || threads <= 1 || !file) return undefined;
  const setup = setupOf(opts.judge, forced?.provider);
  return setup && { threads, file, setup, judge: opts.judge };
}

/**
 * A large NDJSON file judged on worker threads, batch for batch what stream.ts would give (with
 * events as rules/deferred.ts describes), its warnings said in the same order; undefined when
 * the file is not one to split (the caller reads it on this thread). `shared`: a directory's pool.
 */
export async function judgedBatches(path: string, notes: Notes, forced: RecordFormat | undefined, opts: ParallelOptions, shared?: Pool): Promise<AsyncGenerator<AuditEvent[]> | undefined> {
  const workers = workersFor(opts, forced);
  const planned = workers && (await pieces(path, opts.minBytes ?? DEFAULT_MIN_BYTES));
  if (!workers || !planned) return undefined;
  const size = Math.min(workers.threads, planned.length);
  opts.debug?.(`${path}: ${planned.length} pieces judged on ${shared ? workers.threads : size} worker threads`);
  const pool = shared ?? createPool(workers.file, size, workers.setup);
  return run(path, planned, pool, shared === undefined, notes, forced, workers.judge.ruleSet, workers.threads);
}

async function* run(path: string, planned: Piece[], pool: Pool, own: boolean, notes: Notes, forced: RecordFormat | undefined, ruleSet: RuleSet, threads: number): AsyncGenerator<AuditEvent[]> {
  const reader = lineReader(path, forced);
  const decode = batchDecoder(ruleSet);
  // Two pieces per worker in flight: one judged while the other waits, so memory stays a few pieces.
  const depth = threads * 2;
  const pending: Promise<PieceResult>[] = [];
  let next = 0;
  const fill = () => {
    while (pending.length < depth && next < planned.length) {
      const p = pool.run({ piece: planned[next++] });
      p.catch(() => undefined); // awaited in order below; a later failure must not go unhandled meanwhile
      pending.push(p);
    }
  };
  let base = 0;
  try {
    fill();
    while (pending.length > 0) {
      const { batches, lines } = await pending.shift()!;
      fill();
      for (const b of batches) {
        for (let i = 0; i < b.warnings.length; i += 2) notes.say(`${path}:${base + (b.warnings[i] as number)}: ${b.warnings[i + 1] as string}`);
        if (b.n > 0) yield decode(b, reader);
      }
      base += lines;
    }
  } finally {
    reader.close();
    if (own) await pool.close();
  }
}
