import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/cli.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
let work: string;
let tarball: string;

beforeAll(async () => {
  await ensureBuilt();
  work = await mkdtemp(join(tmpdir(), 'audit-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT });
  tarball = join(work, JSON.parse(stdout)[0].filename);
}, 120_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships the CLI, docs, examples and LICENSE, and no test helper', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    for (const f of ['LICENSE', 'README.md', 'dist/cli.js', 'docs/rules.md', 'docs/notifiers.md', 'examples/events.ndjson', 'config.example.yaml']) expect(files).toContain(f);
    expect(files.filter((f) => /emulator|test\//.test(f))).toEqual([]);
  });

  it('installs into an empty prefix with nothing else and runs from there', async () => {
    const prefix = join(work, 'prefix');
    // Everything is bundled: no dependency to fetch, so the install works offline.
    await run('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], { cwd: work });
    expect(await readdir(join(prefix, 'lib', 'node_modules'))).toEqual(['cloudaudit-watch']);
    const audit = join(prefix, 'bin', 'audit');
    const version = await run(audit, ['--version'], { cwd: work });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const events = await run(audit, ['events', '--input', join(ROOT, 'examples/events.ndjson'), '--output', 'json'], { cwd: work, env: { PATH: process.env.PATH, HOME: work } });
    expect(events.stdout.trim().split('\n')).toHaveLength(60);
  }, 120_000);
});
