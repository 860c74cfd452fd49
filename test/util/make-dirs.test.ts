import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDirs } from '../../src/util/make-dirs.js';

let work: string;
beforeEach(async () => void (work = await mkdtemp(join(tmpdir(), 'audit-make-dirs-'))));
afterEach(() => rm(work, { recursive: true, force: true }));

describe('makeDirs', () => {
  it('makes every missing level, owner-only, and is fine when it exists', async () => {
    const deep = join(work, 'a', 'b', 'c');
    await makeDirs(deep);
    await makeDirs(deep);
    for (const d of [join(work, 'a'), deep]) expect((await stat(d)).mode & 0o777).toBe(0o700);
  });

  it('fails, never hangs, where recursive mkdir loops (under /proc) or a file is in the way', async () => {
    await expect(makeDirs('/proc/audit-no-such-dir/state')).rejects.toMatchObject({ code: 'ENOENT' });
    await writeFile(join(work, 'file'), '');
    await expect(makeDirs(join(work, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
