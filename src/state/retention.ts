import { stat } from 'node:fs/promises';
import type { StateStore } from './store.js';

/** Changes whenever another process writes the state file. */
export async function fileStamp(file: string): Promise<string | undefined> {
  try {
    const s = await stat(file);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Keeps what a later run over the same range could fetch again: measured back from the end of
 * this run's range, not from now, so re-checking an old range (or a replay) stays deduplicated;
 * nor anything inside the range this run fetched: running `--since 3h` twice raises nothing twice.
 */
export function pruneAfterRun(store: StateStore, result: { startMs: number; endMs: number }, latenessMs: number, rules: { suppress?: number; window?: number }[], now: Date): void {
  const end = Math.min(now.getTime(), Number.isFinite(result.endMs) ? result.endMs : now.getTime());
  const margin = 60 * 60_000;
  const longest = rules.reduce((m, r) => Math.max(m, r.suppress ?? 0, 2 * (r.window ?? 0)), 0);
  const keepFrom = Math.min(end - latenessMs - longest - margin, result.startMs);
  store.prune(new Date(keepFrom), new Date(end - longest - margin));
}
