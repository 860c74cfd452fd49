import { readFile, rename, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { AuditError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { STATE_VERSION, stateFileSchema, stateFileV1Schema, type StateFile } from './schema.js';

export interface LoadOptions {
  logger: Logger;
  now: () => Date;
  /** Dry runs never write: a bad file is reported but left where it is. */
  readOnly: boolean;
}

/**
 * Reads and validates the state file. Missing means a first run (null, silently). Anything
 * unusable also yields null, but never silently: the file is moved aside for a human to look
 * at and one warning says so, because the run then re-reads the default range and may repeat
 * alerts that were already sent.
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
    if (!v1.success) return setAside(file, `invalid content: ${describeIssues(v1.error.issues)}`, opts);
    opts.logger.info({ file }, 'state file of version 1 migrated to version 2 (window rules start their history from here)');
    return { ...v1.data, version: STATE_VERSION, windows: [] };
  }
  if (version !== STATE_VERSION) {
    return setAside(file, `unsupported version ${JSON.stringify(version)} (expected ${STATE_VERSION})`, opts);
  }
  const parsed = stateFileSchema.safeParse(data);
  if (!parsed.success) return setAside(file, `invalid content: ${describeIssues(parsed.error.issues)}`, opts);
  return parsed.data;
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
  const aside = await freeName(`${file}.corrupt-${opts.now().toISOString().replace(/:/g, '-')}`);
  try {
    await rename(file, aside);
  } catch (err) {
    throw new AuditError('E_STATE', `${file}: unusable (${reason}) and cannot be moved aside`, { cause: err });
  }
  opts.logger.warn(
    { file, movedTo: aside, reason },
    `state file ${file} is unusable (${reason}); moved aside to ${basename(aside)}; this run continues from the default range`,
  );
  return null;
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
