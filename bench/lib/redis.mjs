// A real redis-server for the fleet case, as test/helpers/redis.ts starts one for the tests: a
// free 127.0.0.1 port, a temp dir, no persistence (the bench measures the backend's round trips,
// not Redis's disk).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_BIN = process.env.REDIS_SERVER_BIN || 'redis-server';

/** Whether `file --version` runs: a missing engine skips the case's rows instead of failing the bench. */
export function hasBinary(file, args = ['--version']) {
  const probe = spawnSync(file, args, { shell: false, stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves { port, url, close() } once the server says it is ready; 10 s at most. */
export async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'audit-bench-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const child = spawn(REDIS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
  // Last resort for a bench that dies without reaching close(): no server left behind.
  const onExit = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const close = async () => {
    process.off('exit', onExit);
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  let out = '';
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${out}`)), 10_000);
      child.once('error', (err) => (clearTimeout(timer), reject(err)));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`redis-server exited (${code}) before it was ready:\n${out}`))));
      const onData = (d) => {
        out += String(d);
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          child.stdout.off('data', onData);
          child.stderr.off('data', onData);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
  } catch (err) {
    await close();
    throw err;
  }
  // Its log is not read after start-up; left unread, a full pipe would stall the server.
  child.stdout.resume();
  child.stderr.resume();
  return { port, url: `redis://127.0.0.1:${port}/0`, close };
}
