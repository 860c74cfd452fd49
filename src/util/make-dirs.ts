import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * `mkdir -p`, one level at a time: Node 20's `mkdir(path, { recursive: true })` never returns
 * under some paths (anything below /proc), and a cron run must fail, not hang, when its state or
 * cache directory points somewhere odd. Bounded by the path's depth; errors as mkdir's own.
 */
export async function makeDirs(path: string, mode = 0o700): Promise<void> {
  const missing: string[] = [];
  for (let d = path; ; d = dirname(d)) {
    try {
      await mkdir(d, { mode });
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') break;
      if (code !== 'ENOENT' || dirname(d) === d) throw err;
      missing.push(d);
    }
  }
  // The first one made or found; now the rest, parents first.
  for (const d of missing.reverse()) {
    await mkdir(d, { mode }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}
