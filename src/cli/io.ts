import type { Clock } from '../util/clock.js';

/**
 * Everything a command touches outside itself. main.ts builds it from `process`; tests
 * build their own, so commands run in-process without real terminals or clocks.
 */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: Clock;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
  };
}

/** Options every command accepts. */
export interface GlobalOptions {
  config?: string;
  logLevel?: string;
}
