import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Needs dist/: `npm run build` (npm test builds first).
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-bounds-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('out-of-range durations through the built CLI', () => {
  it('`audit config validate` with window: 9999999999d exits 2 naming the path (it used to crash on an invalid date)', async () => {
    const config = join(dir, 'audit.yaml');
    await writeFile(config, 'rules:\n  - id: huge-window\n    when: {}\n    window: 9999999999d\n    count: { gte: 1 }\n');
    const r = await runCli(['config', 'validate', '--config', config]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('rules[0].window: at most 7d');
    expect(r.stderr).not.toContain('unexpected error');
  });

  it('`audit events --since 99999999999d` is a usage error, not a crash', async () => {
    const r = await runCli(['events', '--since', '99999999999d', '--input', '-'], { stdin: '' });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('--since: invalid time "99999999999d"');
    expect(r.stderr).not.toContain('unexpected error');
  });
});
