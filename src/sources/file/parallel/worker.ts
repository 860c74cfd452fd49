import { parentPort, workerData } from 'node:worker_threads';
import { pieceJudge } from './judge.js';
import type { JudgeSetup, Piece } from './protocol.js';

/**
 * The replay worker's entry (built into dist/file-worker.js): judges the pieces the main thread
 * sends, one at a time, and posts each result with its arrays transferred, not copied.
 */
const judge = pieceJudge(workerData as JudgeSetup);
parentPort!.on('message', ({ id, piece }: { id: number; piece: Piece }) => {
  try {
    const result = judge(piece);
    const transfer = result.batches.flatMap((b) => [b.lens.buffer, b.pos.buffer, b.size.buffer, b.sub.buffer, b.kind.buffer, b.rules.buffer]);
    parentPort!.postMessage({ id, result }, transfer as ArrayBuffer[]);
  } catch (err) {
    const e = err as { message?: string; code?: string };
    parentPort!.postMessage({ id, error: { message: e?.message ?? String(err), code: e?.code } });
  }
});
