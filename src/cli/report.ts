import { AuditError, exitCodeFor } from '../errors.js';

/**
 * Turns any failure into the lines a user sees on stderr and an exit code. Known errors print
 * their message and every issue, never a stack; unexpected ones print the stack only when
 * debugging, because a stack in a cron mail helps nobody.
 */
export function reportError(err: unknown, stderr: NodeJS.WritableStream, debug: boolean): number {
  if (err instanceof AuditError) {
    const lines = err.issues.length ? [err.message + ':', ...err.issues.map((i) => `  ${i}`)] : [err.message];
    stderr.write(lines.map((l, i) => (i === 0 ? `audit: ${l}` : l)).join('\n') + '\n');
    if (debug && err.cause instanceof Error && err.cause.stack) stderr.write(`cause: ${err.cause.stack}\n`);
    return exitCodeFor(err);
  }
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`audit: unexpected error: ${message}\n`);
  if (debug && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  return 1;
}
