import { spawn } from 'node:child_process';
import { redact } from '../util/secrets.js';

/** Output kept per stream: enough for any error message, bounded whatever the program prints. */
export const MAX_OUTPUT_BYTES = 64 * 1024;
const ERROR_TAIL = 500;
/** After the child exits, how long to wait for its pipes to close (a grandchild may hold them). */
const PIPE_GRACE_MS = 1000;

/** The last `max` bytes written; older ones are dropped as new ones arrive. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0].length >= this.max) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.max)).toString('utf8');
  }
}

/**
 * The process groups a notifier started. Each program leads its own group (spawned detached),
 * so killing the group reaches everything it started that stayed in it. A group is remembered
 * while any process is left in it, so closing the notifier can kill what outlived the program.
 */
export class ProcessGroups {
  private readonly live = new Set<number>();
  add(pgid: number): void {
    this.live.add(pgid);
  }
  /** Forgets empty groups: their ids can be reused by unrelated processes. */
  prune(): void {
    for (const pgid of this.live) if (!signalGroup(pgid, 0)) this.live.delete(pgid);
  }
  killAll(): void {
    for (const pgid of this.live) signalGroup(pgid, 'SIGKILL');
    this.live.clear();
  }
}

/** False when the group no longer has any process. */
function signalGroup(pgid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The end of an output, on one line, secrets masked before cutting (a cut could split one). */
function tail(text: string): string {
  return redact(text).slice(-ERROR_TAIL).replace(/\s+/g, ' ').trim();
}

export interface RunResult {
  /** Why it failed, free of registered secrets; undefined when it exited 0. */
  error?: string;
  stdout: string;
  stderr: string;
}

/**
 * Runs the command once, without a shell. A timeout or an abort kills the program's whole
 * process group, not only the first process.
 */
export function runCommand(argv: string[], input: string, env: NodeJS.ProcessEnv, timeoutMs: number, signal?: AbortSignal, groups?: ProcessGroups): Promise<RunResult> {
  return new Promise((resolve) => {
    const out = new TailBuffer(MAX_OUTPUT_BYTES);
    const err = new TailBuffer(MAX_OUTPUT_BYTES);
    let why: string | undefined;
    let exit: string | undefined;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const child = spawn(argv[0], argv.slice(1), { shell: false, detached: true, env, stdio: ['pipe', 'pipe', 'pipe'] });
    if (child.pid) groups?.add(child.pid);
    const killGroup = () => child.pid && signalGroup(child.pid, 'SIGKILL');
    const finish = (error: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      signal?.removeEventListener('abort', onAbort);
      child.stdout!.destroy();
      child.stderr!.destroy();
      groups?.prune();
      const stderr = tail(err.text());
      resolve({ error: error && (stderr ? `${error}: ${stderr}` : error), stdout: tail(out.text()), stderr });
    };
    const timer = setTimeout(() => {
      why = `timed out after ${timeoutMs}ms (process group killed)`;
      killGroup();
    }, timeoutMs);
    const onAbort = () => {
      why = `${typeof signal?.reason === 'string' ? signal.reason : 'aborted'} (process group killed)`;
      killGroup();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();

    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    // A child that exits without reading stdin makes the write fail with EPIPE: not our failure.
    child.stdin!.on('error', () => {});
    child.stdin!.end(input);

    child.on('error', (e: NodeJS.ErrnoException) => finish(redact(`cannot run ${argv[0]}: ${e.code ?? e.message}`)));
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      exit = why ?? (sig ? `killed by ${sig}` : code !== 0 ? `exit code ${code}` : undefined);
      grace = setTimeout(() => finish(exit), PIPE_GRACE_MS);
    });
    child.on('close', () => finish(exit));
  });
}
