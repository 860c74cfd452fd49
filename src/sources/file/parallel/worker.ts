import { parentPort, workerData } from 'node:worker_threads';
import { fileJudge } from './judge-file.js';
import { eventJudge, pieceJudge } from './judge.js';
import type { JudgeSetup, PieceResult, Task } from './protocol.js';

/**
 * The replay worker's entry (built into dist/file-worker.js): judges the pieces of a large file
 * or the small files of a directory that the main thread sends, one at a time (the pool sends the
 * next only when this one is posted), and posts each result with its arrays transferred, not copied.
 */
const setup = workerData as JudgeSetup;
// The rules' conditions are compiled once per worker, for pieces and whole files alike.
const judge = eventJudge(setup);
const judgePiece = pieceJudge(setup, judge);
const judgeFile = fileJudge(setup, judge);

const post = (id: number, result: PieceResult) => {
  const transfer = result.batches.flatMap((b) => [b.lens.buffer, b.pos.buffer, b.size.buffer, b.sub.buffer, b.kind.buffer, b.rules.buffer]);
  parentPort!.postMessage({ id, result }, transfer as ArrayBuffer[]);
};

parentPort!.on('message', ({ id, task }: { id: number; task: Task }) => {
  const failed = (err: unknown) => {
    const e = err as { message?: string; code?: string };
    parentPort!.postMessage({ id, error: { message: e?.message ?? String(err), code: e?.code } });
  };
  try {
    if ('piece' in task) post(id, judgePiece(task.piece));
    else judgeFile(task.file).then((r) => post(id, r), failed);
  } catch (err) {
    failed(err);
  }
});
