import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';

/** Files matching a glob relative to `baseDir`, sorted; a plain path is returned as is. */
export async function expandRuleGlob(pattern: string, baseDir: string): Promise<string[]> {
  const scan = picomatch.scan(pattern);
  if (!scan.isGlob) return [path.resolve(baseDir, pattern)];
  const base = path.resolve(baseDir, scan.base || '.');
  const isMatch = picomatch(scan.glob, { windows: false });
  let entries: string[];
  try {
    entries = await readdir(base, { recursive: true });
  } catch {
    return [];
  }
  const matched = entries
    .map((entry) => entry.split(path.sep).join('/'))
    .filter((entry) => isMatch(entry))
    .sort()
    .map((entry) => path.join(base, entry));
  const isFile = await Promise.all(matched.map((f) => stat(f).then((s) => s.isFile(), () => false)));
  return matched.filter((_, i) => isFile[i]);
}
