// Child processes for the benchmark: wall time from spawn to exit, exit code, and (when asked)
// the child's own peak RSS, read by a preload from getrusage at exit.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RSS_PRELOAD = fileURLToPath(new URL('./rss-preload.mjs', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'audit-bench-rss-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
let seq = 0;

/**
 * Runs `file args` (shell off) and resolves { ms, code, rssMb?, stderr }. `stdout` is 'ignore',
 * a file path, or 'capture'. `rss: true` only works for node commands (it adds a preload).
 * `timeoutMs`: killed (SIGKILL) past it, so a hung child cannot hold the bench; code is then null.
 */
export function run(file, args, { env, stdout = 'ignore', rss = false, stdin = 'ignore', timeoutMs } = {}) {
  const rssFile = rss ? join(scratch, `rss-${++seq}`) : undefined;
  const argv = rss ? ['--import', RSS_PRELOAD, ...args] : args;
  const childEnv = { ...process.env, ...env, ...(rssFile ? { AUDIT_BENCH_RSS_FILE: rssFile } : {}) };
  return new Promise((resolve, reject) => {
    const out = stdout === 'ignore' || stdout === 'capture' ? stdout === 'capture' ? 'pipe' : 'ignore' : 'pipe';
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { env: childEnv, stdio: [stdin, out, 'pipe'], shell: false });
    let captured = '';
    let stderr = '';
    if (stdout === 'capture') child.stdout.on('data', (d) => (captured += d));
    else if (out === 'pipe') child.stdout.pipe(createWriteStream(stdout));
    child.stderr.on('data', (d) => {
      if (stderr.length < 64 * 1024) stderr += d;
    });
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
    child.on('error', (err) => (clearTimeout(timer), reject(err)));
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      let rssMb;
      if (rssFile) {
        try {
          rssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
        } catch {
          rssMb = undefined;
        }
      }
      resolve({ ms, code, rssMb, stderr, stdout: captured });
    });
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs each command `times` times, interleaved so a slow moment hits all of them alike. */
export async function interleaved(commands, times, onRound) {
  const samples = commands.map(() => []);
  for (let round = 0; round < times; round++) {
    for (let i = 0; i < commands.length; i++) {
      const { file, args, env, check } = commands[i];
      const r = await run(file, args, { env });
      if (check) check(r);
      samples[i].push(r.ms);
    }
    onRound?.(round + 1);
  }
  return samples.map(median);
}
