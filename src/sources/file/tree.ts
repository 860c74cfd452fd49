import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a directory of delivered logs holds besides logs: `.DS_Store`, READMEs, manifests. A log
 * file is named *.json, *.jsonl, *.ndjson or *.log, gzipped or not (*.gz alone too), or has no
 * extension at all (delivered objects are not always named); gzip itself is recognised by its
 * bytes, never by the name.
 */
const LOG_EXTENSIONS = new Set(['json', 'jsonl', 'ndjson', 'log']);
const GZIP_EXTENSIONS = new Set(['gz', 'gzip']);

/**
 * CloudTrail writes hourly digest files (hashes of the log files, no events) next to the logs,
 * under `AWSLogs/<account>/CloudTrail-Digest/`: reading them would only warn once per file.
 */
const SKIPPED_DIRECTORIES = new Set(['CloudTrail-Digest']);

export function isLogFileName(name: string): boolean {
  if (name.startsWith('.')) return false;
  const parts = name.toLowerCase().split('.');
  if (parts.length === 1) return true;
  let ext = parts.pop()!;
  if (GZIP_EXTENSIONS.has(ext)) {
    if (parts.length === 1) return true;
    ext = parts.pop()!;
  }
  return LOG_EXTENSIONS.has(ext);
}

function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? (err as Error).message})`;
}

/**
 * The log files under `dir`, at any depth, in name order. Hidden entries are left out, and
 * symbolic links to directories are not followed (a link back up would never end); a
 * subdirectory that cannot be listed is reported and the rest still read.
 */
export async function listLogFiles(dir: string, unreadable: (path: string, why: string) => void): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch (err) {
      if (at === dir) throw err;
      return unreadable(at, why(err));
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = join(at, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(e.name)) await walk(path);
      } else if (isLogFileName(e.name)) {
        if (e.isFile()) out.push(path);
        else if (e.isSymbolicLink()) {
          const target = await stat(path).catch(() => undefined);
          if (target?.isFile()) out.push(path);
          else if (!target) unreadable(path, 'broken symbolic link');
        }
      }
    }
  };
  await walk(dir);
  return out;
}
