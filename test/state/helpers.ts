import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Alert } from '../../src/rules/model.js';
import { createLogger, type Logger } from '../../src/util/logger.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

export async function makeTmp(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'audit-state-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A real pino logger writing JSON lines into memory. */
export function captureLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('debug', stream);
  const lines = () =>
    chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines };
}

/** A clock the test moves by hand. */
export function manualClock(startIso: string): { now: () => Date; advance: (ms: number) => void } {
  let t = Date.parse(startIso);
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

export function sampleAlert(id: string, time = '2024-05-01T10:00:00Z'): Alert {
  return {
    id,
    time,
    rule: { id: 'root-login', title: 'Root account console login', severity: 'high' },
    summary: 'root logged in from 203.0.113.9',
    event: {
      id: `ev-${id}`,
      time,
      provider: 'tencentcloud',
      account: '100000000001',
      region: 'ap-guangzhou',
      name: 'ConsoleLogin',
      type: 'ConsoleCall',
      service: 'cam',
      readOnly: false,
      actor: { type: 'Root', id: '100000000001', name: 'root', accessKeyId: null, root: true },
      sourceIp: '203.0.113.9',
      userAgent: 'Mozilla/5.0',
      error: null,
      sensitive: true,
      login: true,
      resources: [{ type: 'cam', name: 'root' }],
      requestId: 'req-1',
      raw: { EventId: `ev-${id}`, nested: { list: [1, 2, 3] } },
    },
    count: 1,
    group: null,
    window: null,
  };
}

/** Spawns `node -e script` from the repo root (so `require` finds its node_modules) and waits for a line on stdout. */
export function spawnNode(script: string, env: Record<string, string>): ChildProcess & { line: (text: string) => Promise<void> } {
  const child = spawn(process.execPath, ['-e', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (d) => {
    out += String(d);
    for (const w of waiters.splice(0)) w();
  });
  const line = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.split('\n').includes(text)) return resolve();
        if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`child exited before "${text}": ${out}`));
        waiters.push(check);
      };
      child.once('exit', () => check());
      check();
    });
  return Object.assign(child, { line });
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
