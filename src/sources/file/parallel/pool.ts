import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AuditError } from '../../../errors.js';
import type { JudgeSetup, PieceResult, Task } from './protocol.js';

/**
 * dist/file-worker.js, built beside dist/cli.js (scripts/build.mjs). This module is bundled into
 * dist/ or dist/chunks/; run from the TypeScript sources (unit tests) there is no worker to
 * start, and replays stay on one thread.
 */
export function workerFile(): string | undefined {
  for (const rel of ['./file-worker.js', '../file-worker.js']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

export interface Pool {
  /** Judges a piece or a file on the next free worker. */
  run(task: Task): Promise<PieceResult>;
  close(): Promise<void>;
}

interface Queued {
  id: number;
  task: Task;
  resolve(r: PieceResult): void;
  reject(err: unknown): void;
}

export function createPool(file: string, size: number, setup: JudgeSetup): Pool {
  const queue: Queued[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Queued>();
  let seq = 0;
  let failed: unknown;
  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const w = idle.pop()!;
      const next = queue.shift()!;
      busy.set(w, next);
      w.postMessage({ id: next.id, task: next.task });
    }
  };
  const workers = Array.from({ length: size }, () => {
    // A worker keeps nothing between lines but its piece's results: a small young generation
    // (V8's default grows to 16 MB a semi-space) keeps each worker's heap near 20 MB.
    const w = new Worker(file, { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    w.on('message', (msg: { id: number; result?: PieceResult; error?: { message: string; code?: string } }) => {
      const task = busy.get(w)!;
      busy.delete(w);
      idle.push(w);
      if (msg.error) task.reject(msg.error.code?.startsWith('E_') ? new AuditError(msg.error.code as 'E_INPUT', msg.error.message) : new Error(msg.error.message));
      else task.resolve(msg.result!);
      dispatch();
    });
    // A worker that dies (out of memory, a bug) fails the run; the main thread never waits forever.
    w.on('error', (err) => {
      failed ??= err;
      busy.get(w)?.reject(err);
      busy.delete(w);
      for (const t of queue.splice(0)) t.reject(err);
    });
    idle.push(w);
    return w;
  });
  return {
    run(task) {
      if (failed !== undefined) return Promise.reject(failed);
      return new Promise((resolve, reject) => {
        queue.push({ id: ++seq, task, resolve, reject });
        dispatch();
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
