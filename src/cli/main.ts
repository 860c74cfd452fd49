#!/usr/bin/env node
// The only module that prints errors and calls process.exit. Commands live in ./commands and
// are imported when they run, so `audit --version` never loads zod, pino or the SDK.
import nodeModule from 'node:module';
import { VERSION } from '../version.js';

// Node 22.1+ keeps V8's compiled code between runs (in the OS temp dir): a cron job that starts
// every minute then skips most of the parsing. A no-op on older Node.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  const { run } = await import('./program.js');
  process.exitCode = await run(argv);
}
