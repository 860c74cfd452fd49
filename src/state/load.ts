import { readFile, rename, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { AuditError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { describeCounts, salvageState } from './salvage.js';
import { STATE_VERSION, stateFileSchema, stateFileV1Schema, type StateFile } from './schema.js';

export interface LoadOptions {
  logger: Logger;
  now: () => Date;
  /** Dry runs never write: a bad file is reported but left where it is. */
  readOnly: boolean;
}

/**
 * Reads and validates the state file. Missing means a first run (null, silently). A damaged
 * file is moved aside for a human to look at and salvaged entry by entry; what cannot be read
 * at all yields null. Never silently: one warning says what was kept and what was lost.
 */
export async function loadStateFile(file: string, opts: LoadOptions): Promise<StateFile | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return setAside(file, `cannot read: ${(err as Error).message}`, opts);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return setAside(file, `invalid JSON: ${(err as Error).message}`, opts);
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (version === 1) {
    const v1 = stateFileV1Schema.safeParse(data);
    if (!v1.success) return salvage(file, data, `invalid content: ${describeIssues(v1.error.issues)}`, opts);
    opts.logger.info({ file }, 'state file of version 1 migrated to version 2 (window rules start their history from here)');
    return noFutureCheckpoints({ ...v1.data, version: STATE_VERSION, windows: [], health: [], frontiers: [] }, opts);
  }
  if (version !== STATE_VERSION) {
    return setAside(file, `unsupported version ${JSON.stringify(version)} (expected ${STATE_VERSION})`, opts);
  }
  const parsed = stateFileSchema.safeParse(data);
  if (!parsed.success) return salvage(file, data, `invalid content: ${describeIssues(parsed.error.issues)}`, opts);
  return noFutureCheckpoints(parsed.data, opts);
}

/** Past this, a checkpoint in the future is damage (or a clock that jumped), not skew: it would silence its partition. */
const FUTURE_SLACK_MS = 5 * 60_000;

function noFutureCheckpoints(state: StateFile, opts: LoadOptions): StateFile {
  const limit = opts.now().getTime() + FUTURE_SLACK_MS;
  const future = state.checkpoints.filter(([, t]) => Date.parse(t) > limit);
  if (future.length === 0) return state;
  for (const [partition, t] of future) {
    opts.logger.warn({ partition, checkpoint: t }, `checkpoint of ${partition} is in the future (${t}); treated as damaged: this partition re-reads its default range`);
  }
  return { ...state, checkpoints: state.checkpoints.filter((c) => !future.includes(c)) };
}

/**
 * A file that is JSON but fails validation keeps every entry that still validates, undelivered
 * alerts first of all; the file is moved aside as evidence and one warning counts the losses.
 */
async function salvage(file: string, data: unknown, reason: string, opts: LoadOptions): Promise<StateFile | null> {
  const saved = salvageState(data);
  if (!saved) return setAside(file, reason, opts);
  const aside = opts.readOnly ? undefined : await moveAside(file, reason, opts);
  const lost = describeCounts(saved.lost);
  const where = aside ? `moved aside to ${basename(aside)}` : 'left in place (read-only run)';
  opts.logger.warn(
    { file, movedTo: aside, reason, kept: saved.kept, lost: saved.lost },
    `state file ${file} is damaged (${reason}); ${where}; salvaged ${describeCounts(saved.kept)}; lost ${lost}` +
      (saved.lost.checkpoints ? '; partitions whose checkpoint was lost continue from the default range' : ''),
  );
  return noFutureCheckpoints(saved.state, opts);
}

function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  if (issues.length > 3) shown.push(`and ${issues.length - 3} more`);
  return shown.join('; ');
}

async function setAside(file: string, reason: string, opts: LoadOptions): Promise<null> {
  if (opts.readOnly) {
    opts.logger.warn(
      { file, reason },
      `state file ${file} is unusable (${reason}); left in place (read-only run); this run continues from the default range`,
    );
    return null;
  }
  const aside = await moveAside(file, reason, opts);
  opts.logger.warn(
    { file, movedTo: aside, reason },
    `state file ${file} is unusable (${reason}); moved aside to ${basename(aside)}; this run continues from the default range`,
  );
  return null;
}

async function moveAside(file: string, reason: string, opts: LoadOptions): Promise<string> {
  const aside = await freeName(`${file}.corrupt-${opts.now().toISOString().replace(/:/g, '-')}`);
  try {
    await rename(file, aside);
  } catch (err) {
    throw new AuditError('E_STATE', `${file}: unusable (${reason}) and cannot be moved aside`, { cause: err });
  }
  return aside;
}

/** Two corrupt files within the same millisecond must not overwrite each other's evidence. */
async function freeName(base: string): Promise<string> {
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? base : `${base}-${i}`;
    try {
      await stat(candidate);
    } catch {
      return candidate;
    }
  }
}
