#!/usr/bin/env node
// The only module that prints errors and calls process.exit. Commands live in ./commands and
// are imported when they run, so `audit --version` never loads zod or the SDK.
import { readFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { VERSION } from '../version.js';

// Node 22.1+ keeps V8's compiled code between runs (in the OS temp dir): a cron job that starts
// every minute then skips most of the parsing. A no-op on older Node.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// A reader that went away (`audit --help | head`) is not a failure, and must not cut a check short
// before it saved its state: from then on output is discarded, quietly, instead of an unhandled
// EPIPE with a stack trace. (`audit events` also stops fetching when it sees it.)
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.stdout.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => done());
    return true;
  }) as typeof process.stdout.write;
});

// Logs are best effort: a stderr that went away (journald restarted, `2>&1 | head`) must not
// crash a check before it delivered its alerts; its lines are dropped from then on.
process.stderr.on('error', () => {
  process.stderr.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => done());
    return true;
  }) as typeof process.stderr.write;
});

/**
 * `audit --help` as commander prints it 80 columns wide, made when this build was
 * (scripts/build.mjs): the same text without loading commander and every command. Only a
 * terminal narrower than that (or a missing file) gets commander, which wraps to its width.
 */
function prebuiltHelp(): string | undefined {
  if (process.stdout.isTTY && (process.stdout.columns ?? 80) < 80) return undefined;
  try {
    return readFileSync(new URL('./help.txt', import.meta.url), 'utf8');
  } catch {
    return undefined;
  }
}

const argv = process.argv.slice(2);
const help = argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h') ? prebuiltHelp() : undefined;
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else if (help !== undefined) {
  process.stdout.write(help);
} else {
  const { run } = await import('./program.js');
  process.exitCode = await run(argv);
}
