import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveStateDir, STATE_FILE } from '../../src/state/index.js';
import type { StateFile } from '../../src/state/schema.js';
import { ensureBuilt, runCli, spawnCli, type CliOptions, type CliProcess, type CliResult } from '../helpers/cli.js';
import {
  makeEvent,
  startEmulator,
  TEST_SECRET_ID,
  TEST_SECRET_KEY,
  type ApiEvent,
  type Emulator,
  type EmulatorOptions,
  type EventSpec,
} from '../helpers/emulator/index.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

/**
 * One end-to-end world per test: a temp dir holding the config and the state, the CloudAudit
 * emulator, a JSON webhook receiver, and the real CLI run against them.
 */
export interface World {
  work: string;
  config: string;
  emulator: Emulator;
  receiver: Receiver;
  hookPath: string;
  /** `audit check <args> --config <config>` */
  check(args?: string[], opts?: CliOptions): Promise<CliResult>;
  spawn(args: string[], opts?: CliOptions): CliProcess;
  /** The per-config state directory (state.dir/<slug>-<hash>). */
  stateDir: string;
  stateFile: string;
  readState(): Promise<StateFile | null>;
  checkpoint(): Promise<string | undefined>;
  /** Alerts the receiver accepted (2xx answers only), by id. */
  delivered(): Map<string, number>;
  /** The next `n` webhook requests are answered `status` (default 503), or never. */
  refuseHook(n: number, status?: number | 'stall'): void;
  close(): Promise<void>;
}

export interface WorldOptions {
  events?: ApiEvent[];
  emulator?: Omit<EmulatorOptions, 'events'>;
  /** Merged into the `source:` block. */
  source?: Record<string, unknown>;
  rules?: unknown[];
  /** Default: one json webhook to the receiver. */
  notifiers?: (hookUrl: string) => unknown[];
}

export async function makeWorld(opts: WorldOptions = {}): Promise<World> {
  await ensureBuilt();
  const work = await mkdtemp(join(tmpdir(), 'audit-e2e-'));
  const emulator = await startEmulator({ events: opts.events ?? [], ...opts.emulator });
  const receiver = await startReceiver();
  const hookPath = '/hook';
  // Requests (by index) the receiver was scripted to refuse; the others were answered 200.
  const refused = new Set<number>();
  const config = join(work, 'audit.yaml');
  const stateRoot = join(work, 'state');
  const body = {
    source: {
      provider: 'tencentcloud',
      region: 'ap-guangzhou',
      endpoint: emulator.url,
      credentials: { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY },
      maxAttempts: 2,
      timeout: '1s',
      ...opts.source,
    },
    rules: opts.rules ?? [{ builtin: 'recommended' }],
    notifiers: (opts.notifiers ?? ((url) => [{ name: 'hook', type: 'webhook', format: 'json', url, timeout: '2s' }]))(receiver.url(hookPath)),
    state: { dir: stateRoot },
  };
  // JSON is YAML.
  await writeFile(config, JSON.stringify(body, null, 2));
  const stateDir = resolveStateDir({ configuredDir: stateRoot, configPath: config, env: {}, cwd: work });
  const stateFile = join(stateDir, STATE_FILE);

  const readState = async (): Promise<StateFile | null> => {
    try {
      return JSON.parse(await readFile(stateFile, 'utf8')) as StateFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  };

  return {
    work,
    config,
    emulator,
    receiver,
    hookPath,
    stateDir,
    stateFile,
    check: (args = [], o = {}) => runCli(['check', ...args, '--config', config], o),
    spawn: (args, o = {}) => spawnCli([...args, '--config', config], o),
    readState,
    async checkpoint() {
      return (await readState())?.checkpoints.find(([p]) => p === 'tencentcloud/100000000001/ap-guangzhou')?.[1];
    },
    delivered() {
      const counts = new Map<string, number>();
      receiver.requests.forEach((r, i) => {
        if (r.path !== hookPath || refused.has(i) || r.problems.length) return;
        counts.set(r.body.id, (counts.get(r.body.id) ?? 0) + 1);
      });
      return counts;
    },
    refuseHook(n, status = 503) {
      const start = Math.max(receiver.requests.length, ...[...refused].map((i) => i + 1));
      for (let i = 0; i < n; i++) refused.add(start + i);
      const answer = status === 'stall' ? { stall: true } : { status, body: { error: 'unavailable' } };
      receiver.script(...Array.from({ length: n }, () => answer));
    },
    async close() {
      await Promise.all([emulator.close(), receiver.close()]);
      await rm(work, { recursive: true, force: true });
    },
  };
}

export async function stateFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** Event times near the real now (the emulator checks signature times against the real clock). */
export function ago(ms: number, from = Date.now()): Date {
  return new Date(from - ms);
}

export const rootLogin = (time: Date, extra: Partial<EventSpec> = {}) => makeEvent({ name: 'ConsoleLogin', time, ...extra });

/** A CAM user's read call: no built-in rule alerts on it. */
export const quietCall = (time: Date, extra: Partial<EventSpec> = {}) =>
  makeEvent({ name: 'DescribeInstances', time, actorType: 'CAMUser', userName: 'alice', ...extra });

/** Polls `cond` (the emulator and receivers live in this process, so their state is current). */
export async function until(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${cond.toString()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
