import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TEMP_MARK = '.tmp-';

/**
 * Replaces `file` so that a reader (or the next run after a crash or power loss) sees either
 * the old content or the new one, never a mix: write a temp file in the same directory
 * (rename is only atomic within one file system), fsync it, rename it over the target, then
 * fsync the directory so the rename itself is durable.
 */
export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  const temp = `${file}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    renamed = true;
    await fsyncDir(dirname(file));
  } finally {
    if (!renamed) await rm(temp, { force: true }).catch(() => undefined);
  }
}

/** Some platforms (Windows) and file systems refuse to open or fsync a directory; durability is then best effort. */
async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF' && code !== 'EACCES') throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Removes temp files a crashed run left next to `file`. Only safe while holding the state
 * lock: without it the temp file may belong to a run that is writing right now.
 */
export async function removeStaleTempFiles(file: string): Promise<string[]> {
  const prefix = basename(file) + TEMP_MARK;
  const removed: string[] = [];
  for (const name of await readdir(dirname(file))) {
    if (!name.startsWith(prefix)) continue;
    await rm(join(dirname(file), name), { force: true });
    removed.push(name);
  }
  return removed;
}
