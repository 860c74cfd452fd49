import { AuditError, exitCodeFor } from '../errors.js';
import { redact } from '../util/secrets.js';

/**
 * Turns any failure into the lines a user sees on stderr and an exit code. Known errors print
 * their message and every issue, never a stack; unexpected ones print the stack only when
 * debugging, because a stack in a cron mail helps nobody. Everything printed goes through the
 * secret registry: an error from an SDK or a server may quote a key or a token back.
 */
export function reportError(err: unknown, stderr: NodeJS.WritableStream, debug: boolean): number {
  const write = (text: string) => stderr.write(redact(text));
  if (err instanceof AuditError) {
    const lines = err.issues.length ? [err.message + ':', ...err.issues.map((i) => `  ${i}`)] : [err.message];
    write(lines.map((l, i) => (i === 0 ? `audit: ${l}` : l)).join('\n') + '\n');
    if (debug && err.cause instanceof Error && err.cause.stack) write(`cause: ${err.cause.stack}\n`);
    return exitCodeFor(err);
  }
  const message = err instanceof Error ? err.message : String(err);
  write(`audit: unexpected error: ${message}\n`);
  if (debug && err instanceof Error && err.stack) write(`${err.stack}\n`);
  return 1;
}
