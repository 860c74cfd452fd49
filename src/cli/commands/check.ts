import { AuditError } from '../../errors.js';
import type { CheckRequest } from '../../pipeline.js';
import { parseDuration } from '../../util/duration.js';
import type { CommandContext } from '../context.js';
import { parseRange } from './range.js';

interface CheckFlags {
  since?: string;
  until?: string;
  input?: string;
  output?: 'text' | 'json';
  dryRun?: boolean;
  state?: boolean;
  failOnMatch?: boolean;
  lockTimeout?: string;
}

export function checkRequest(flags: CheckFlags, now: Date): CheckRequest {
  const range = parseRange(flags.since, flags.until, now);
  const lockTimeoutMs = parseDuration(flags.lockTimeout ?? '30s');
  if (lockTimeoutMs === undefined) throw new AuditError('E_USAGE', `--lock-timeout: invalid duration "${flags.lockTimeout}"`);
  return {
    since: range.start,
    until: range.end,
    input: flags.input,
    output: flags.output,
    dryRun: Boolean(flags.dryRun),
    noState: flags.state === false,
    failOnMatch: Boolean(flags.failOnMatch),
    lockTimeoutMs,
  };
}

export async function runCheckCommand(ctx: CommandContext, flags: CheckFlags, signal?: AbortSignal): Promise<number> {
  const req = checkRequest(flags, ctx.io.now());
  const loaded = await ctx.config();
  const { runCheck } = await import('../../pipeline.js');
  const { io } = ctx;
  const { code } = await runCheck({ logger: ctx.logger, env: io.env, now: io.now, stdin: io.stdin, stdout: io.stdout, cwd: io.cwd }, loaded, req, signal);
  return code;
}
