import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Spawns the built CLI (dist/cli.js) as a real process. Always asynchronous: the emulator and
 * webhook receivers the CLI talks to run in the test process, so its event loop must keep going.
 */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const CLI_PATH = join(REPO_ROOT, 'dist', 'cli.js');

export interface CliOptions {
  /** Added to a clean environment (PATH, HOME and the like only; never the caller's LOG_LEVEL etc.). */
  env?: Record<string, string>;
  /** Written to stdin, then closed. Absent: stdin is closed at once. */
  stdin?: string;
  cwd?: string;
  /** The process is SIGKILLed past this; the result then has signal SIGKILL. Default 60 s. */
  timeoutMs?: number;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr (or stdout) contains `text`; rejects if the process ends first. */
  waitFor(text: string | RegExp, stream?: 'stdout' | 'stderr'): Promise<void>;
  done: Promise<CliResult>;
}

function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT'];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  // Output does not depend on the machine's language or zone; tests that are about them set their own.
  // The config cache goes to the temp dir, not the user's ~/.cache.
  return { ...env, LANG: 'C.UTF-8', TZ: 'UTC', XDG_CACHE_HOME: join(tmpdir(), 'audit-test-cache') };
}

/**
 * Waits for dist/cli.js (another `npm run build` may be replacing dist/ right now); throws
 * with the fix when it never appears.
 */
export async function ensureBuilt(timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(CLI_PATH)) {
    if (Date.now() > deadline) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` first`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function spawnCli(args: string[], opts: CliOptions = {}): CliProcess {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...baseEnv(), ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let ended = false;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  child.stdout!.on('data', (d) => {
    stdout += String(d);
    notify();
  });
  child.stderr!.on('data', (d) => {
    stderr += String(d);
    notify();
  });
  child.stdin!.on('error', () => {}); // the CLI may exit without reading stdin
  child.stdin!.end(opts.stdin ?? '');

  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      ended = true;
      notify();
      resolve({ code, signal, stdout, stderr });
    });
  });

  const waitFor = (text: string | RegExp, stream: 'stdout' | 'stderr' = 'stderr') =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        const s = stream === 'stdout' ? stdout : stderr;
        if (typeof text === 'string' ? s.includes(text) : text.test(s)) {
          listeners.delete(check);
          resolve();
        } else if (ended) {
          listeners.delete(check);
          reject(new Error(`process ended before ${stream} showed ${String(text)}; stderr:\n${stderr}`));
        }
      };
      listeners.add(check);
      check();
    });

  return { child, stdout: () => stdout, stderr: () => stderr, waitFor, done };
}

export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  await ensureBuilt();
  return spawnCli(args, opts).done;
}

/** pino's JSON lines from stderr; other lines (`audit: ...` error messages) are skipped. */
export function logLines(stderr: string): Array<Record<string, unknown> & { msg?: string; level?: string }> {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
}

/** `--output json` stdout: one alert object per line. */
export function jsonLines<T = any>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}
