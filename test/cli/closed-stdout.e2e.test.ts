import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, ROOT, sandbox, type Sandbox } from './run-cli.js';

let box: Sandbox;
beforeEach(async () => void (box = await sandbox()));
afterEach(() => box.cleanup());

/** The reader is gone before the CLI writes a byte (`audit ... | true`): every write meets EPIPE. */
async function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: box.dir, env: box.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  return { code, stderr };
}

describe('a reader that went away', () => {
  it.each([
    [['--help']],
    [['rules', 'list', '--output', 'text']],
    [['check', '--input', path.join(ROOT, 'examples/events.ndjson'), '--no-state', '--output', 'json']],
  ])('%j exits 0 with no stack trace', async (args) => {
    const r = await withClosedStdout(args);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(r.code).toBe(0);
  });

  it('a check still saves its state: the next run raises nothing again', async () => {
    const input = path.join(ROOT, 'examples/events.ndjson');
    expect((await withClosedStdout(['check', '--input', input, '--output', 'json', '--log-level', 'error'])).code).toBe(0);
    const again = await box.run(['check', '--input', input, '--output', 'json', '--log-level', 'error']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('');
  });
});

describe('a stderr that went away (journald restarted, `2>&1 | head`)', () => {
  it('a check at debug level still prints and saves every alert, and exits 0', async () => {
    const input = path.join(ROOT, 'examples/events.ndjson');
    const child = spawn(process.execPath, [CLI, 'check', '--input', input, '--output', 'json', '--log-level', 'debug'], { cwd: box.dir, env: box.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.destroy();
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    expect(code).toBe(0);
    const alerts = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(alerts.length).toBeGreaterThan(10);
    // Saved too: the next run raises nothing again.
    const again = await box.run(['check', '--input', input, '--output', 'json', '--log-level', 'error']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('');
  });
});
