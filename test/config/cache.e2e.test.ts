import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Needs dist/: `npm run build` (npm test builds first).
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-cache-e2e-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = (url: string) =>
  `rules:\n  - builtin: recommended\nnotifiers:\n  - { name: console, type: stdout }\n  - { name: hook, type: webhook, url: "${url}" }\n`;

describe('the config cache through the built CLI', () => {
  it('a cached config that turns invalid still exits 2 naming the path, with no stack', async () => {
    const file = join(dir, 'audit.yaml');
    const env = { XDG_CACHE_HOME: join(dir, 'cache'), HOOK: 'hook-token-4b1d7e2a9c' };
    await writeFile(file, config('https://hooks.example.com/${HOOK}'));
    for (let i = 0; i < 2; i++) {
      const ok = await runCli(['config', 'validate', '--config', file], { env });
      expect(ok.code, ok.stderr).toBe(0);
    }
    expect(await readdir(join(dir, 'cache', 'cloudaudit-watch'))).toHaveLength(1);

    await writeFile(file, config('not a url'));
    const bad = await runCli(['config', 'validate', '--config', file], { env });
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain(`audit: ${file}: invalid config:`);
    expect(bad.stderr).toContain('notifiers[1].url: invalid URL');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
