import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineAvailable } from './engines.js';

/**
 * A real redis-server on a free 127.0.0.1 port, in a temp dir, with no persistence unless
 * `persist` (an append-only file synced on every write, so a restart keeps everything). Missing
 * binary: see haveRedis.
 */
export interface RedisServer {
  port: number;
  /** With the password inside, for a server started with `password`. */
  url: string;
  /** Stops the server (SIGTERM: with `persist`, it writes its data first) and starts it again on the same port. */
  restart(opts?: { downMs?: number }): Promise<void>;
  close(): Promise<void>;
}

export const REDIS_BIN = process.env.REDIS_SERVER_BIN || 'redis-server';

/** See engines.ts: false (and a note) on a developer machine without redis-server; throws under CI. */
export const haveRedis = () => engineAvailable(REDIS_BIN, ['--version'], 'redis-server');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startRedis(opts: { password?: string; persist?: boolean } = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'audit-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir];
  args.push(...(opts.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  if (opts.password) args.push('--requirepass', opts.password);
  let child: ChildProcess;
  try {
    child = await launch(args);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
  const stop = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await gone;
  };
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}/0`,
    async restart({ downMs = 0 } = {}) {
      await stop('SIGTERM');
      await new Promise((r) => setTimeout(r, downMs));
      child = await launch(args);
    },
    async close() {
      await stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function launch(args: string[]): Promise<ChildProcess> {
  const child: ChildProcess = spawn(REDIS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${out}`)), 10_000);
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        err.code === 'ENOENT'
          ? new Error(`redis-server not found (${REDIS_BIN}): install the Debian package redis-server (apt-get install redis-server); these tests need a real server`)
          : err,
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${out}`));
    });
    const onData = (d: Buffer) => {
      out += String(d);
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
  try {
    await ready;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return child;
}
