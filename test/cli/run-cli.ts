// Runs the built CLI (dist/cli.js) as a real child process. Always asynchronous: the emulator and
// webhook receivers live in the test process, so its event loop must keep turning meanwhile.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
const GUARD = pathToFileURL(path.join(ROOT, 'test', 'cli', 'guard-network.mjs')).href;
/** What guard-network.mjs prints when the CLI tried to leave 127.0.0.1. */
export const GUARD_MARK = 'NETWORK-GUARD: blocked';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed; default: stdin closed at once. */
  input?: string | Buffer;
  /** The child is killed after this long (a hang is a failure, not a stuck suite). */
  timeoutMs?: number;
}

export async function runCli(args: string[], opts: RunOptions): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does it)`);
  const child = spawn(process.execPath, ['--import', GUARD, CLI, ...args], { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => {}); // the CLI may exit before reading everything
  child.stdin.end(opts.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 25_000);
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
    });
    return { code, signal, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

export interface Sandbox {
  /** An empty working directory. */
  dir: string;
  /** A minimal environment: PATH, and HOME/XDG_* pointing at empty directories inside the sandbox. */
  env: NodeJS.ProcessEnv;
  run(args: string[], opts?: Partial<RunOptions>): Promise<CliResult>;
  cleanup(): Promise<void>;
}

/**
 * A fresh directory and environment per test: nothing of the developer's machine leaks in
 * (no AUDIT_CONFIG, LOG_LEVEL, TENCENTCLOUD_* keys, ~/.tencentcloud or ~/.config/audit).
 */
export async function sandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(path.join(tmpdir(), 'audit-e2e-'));
  const home = path.join(dir, 'home');
  await mkdir(path.join(dir, 'work'), { recursive: true });
  await mkdir(home, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    TZ: 'UTC',
  };
  const work = path.join(dir, 'work');
  return {
    dir: work,
    env,
    run: (args, opts = {}) => runCli(args, { cwd: work, ...opts, env: { ...env, ...opts.env } }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Lines that look like a JavaScript stack frame. */
export function stackLines(text: string): string[] {
  return text.split('\n').filter((l) => /^\s+at\s/.test(l));
}

export function ndjson(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l, i) => {
      try {
        return JSON.parse(l);
      } catch {
        throw new Error(`stdout line ${i + 1} is not JSON: ${l.slice(0, 200)}`);
      }
    });
}
