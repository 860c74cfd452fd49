import { Option, type Command } from 'commander';
import { AuditError } from '../../errors.js';
import type { LoadedConfig } from '../../config/index.js';
import type { CheckRequest } from '../../pipeline.js';
import { durationBoundProblem, MAX_TIMEOUT_MS, parseDuration } from '../../util/duration.js';
import type { CommandContext } from '../context.js';
import { defineAction, type SetExit } from '../define.js';
import type { CliIO } from '../io.js';
import { outputOption, parseRange, profileOption, providerOption, resolveOutput, withConfigProfile } from '../options.js';

export interface CheckOptions {
  since?: string;
  until?: string;
  input?: string;
  output?: 'text' | 'json';
  dryRun?: boolean;
  /** `--no-state` sets it false. */
  state?: boolean;
  notify?: boolean;
  failOnMatch?: boolean;
  lockTimeout?: string;
  profile?: string;
  /** --provider: the record format of every record of --input. */
  provider?: string;
  learnOnly?: boolean;
  /** --threads: worker threads for a large --input file. */
  threads?: string;
}

/** `audit check`: what cron runs. */
export function registerCheckCommand(program: Command, io: CliIO, setExit: SetExit): void {
  defineAction<CheckOptions>(
    program
      .command('check')
      .description('fetch new events, evaluate the rules once, and deliver alerts (run it from crontab)')
      .option('-s, --since <when>', 'start: a duration back from now (30s, 5m, 2h, 1d) or an ISO time (default: the last checkpoint minus source.lateness; 15m on the first run)')
      .option('-u, --until <when>', 'end: a duration back from now or an ISO time (default: now)')
      .option('-i, --input <path>', 'evaluate recorded events instead of calling the API: a file (JSON, NDJSON, gzip; - for stdin) or a directory of delivered logs, read in time order')
      .addOption(providerOption())
      .addOption(outputOption().default(undefined, 'stdout notifiers only'))
      .option('--dry-run', 'print the alerts; write no state and send nothing')
      .option('--no-state', 'no dedupe and no checkpoint (ad-hoc queries): prints the alerts and sends nothing')
      .option('--notify', 'with --no-state: also deliver to the configured notifiers')
      .option('--fail-on-match', 'exit 3 when any alert is raised')
      .option('--learn-only', 'record baselines (firstSeen) and window history in the state without raising or sending any alert')
      .addOption(new Option('--lock-timeout <duration>', 'how long to wait for another run to finish').default('30s'))
      .addOption(threadsOption())
      .addOption(profileOption())
      .addHelpText(
        'after',
        `
Examples:
  $ audit check                                   # what cron runs: from the last checkpoint to now
  $ audit check --since 1h --output json | jq .rule.id
  $ audit check --since 1h --fail-on-match --no-state || page-someone   # prints, sends nothing
  $ audit check --input examples/events.ndjson --no-state --output text
  $ audit check --since 30d --learn-only          # seed firstSeen baselines from a month of history
  $ audit check --input ./AWSLogs --no-state      # CloudTrail files as S3 delivers them (gzip)

Window rules are judged at every whole minute the run covers (docs/rules.md); a first run or
--since S fetches one lookback before S as history, later runs keep it in the state.

Crontab (every minute; alerts go to the configured notifiers, logs to a file):
  * * * * * /usr/bin/audit check --config /etc/audit/audit.yaml >> /var/log/audit-watch.log 2>&1

Exit codes: 0 ok (also when another run holds the lock), 1 source failed or an alert is still
undelivered (kept for the next run), 2 usage or config error, 3 alerts raised with --fail-on-match.`,
      ),
    io,
    setExit,
    runCheckCommand,
  );
}

/** `--lock-timeout`: 0 (do not wait) up to 10m, like every other timeout; a usage error otherwise. */
export function parseLockTimeout(text = '30s'): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new AuditError('E_USAGE', `--lock-timeout: invalid duration "${text}" (use 30s, 5m, 2h or 1d)`);
  const problem = durationBoundProblem(ms, { max: MAX_TIMEOUT_MS });
  if (problem) throw new AuditError('E_USAGE', `--lock-timeout: ${problem}`);
  return ms;
}

export function checkRequest(flags: CheckOptions, now: Date, stdout: { isTTY?: boolean } = {}): CheckRequest {
  const range = parseRange(flags.since, flags.until, now);
  const lockTimeoutMs = parseLockTimeout(flags.lockTimeout);
  // Learning writes what it learned to the state; without one it would learn nothing.
  if (flags.learnOnly && (flags.state === false || flags.dryRun)) throw new AuditError('E_USAGE', `--learn-only records into the state: it cannot be combined with ${flags.dryRun ? '--dry-run' : '--no-state'}`);
  return {
    since: range.start,
    until: range.end,
    input: flags.input,
    // An ad-hoc run prints: text in a terminal, NDJSON in a pipe (as every other command).
    output: flags.output ?? (flags.state === false && !flags.notify ? resolveOutput(undefined, stdout) : undefined),
    dryRun: Boolean(flags.dryRun),
    noState: flags.state === false,
    notify: Boolean(flags.notify),
    failOnMatch: Boolean(flags.failOnMatch),
    lockTimeoutMs,
    learnOnly: Boolean(flags.learnOnly),
  };
}

/** `--threads N`: a large NDJSON file is read and judged on N worker threads; 1 reads it on one thread. */
export function threadsOption(): Option {
  return new Option('--threads <n>', 'worker threads that read and judge a large input (an NDJSON file of 16 MiB or more, or a directory of delivered files); 1 for one thread (default: one per CPU)');
}

export function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new AuditError('E_USAGE', `--threads: expected a whole number from 1 to 64, got "${text.slice(0, 20)}"`);
  return n;
}

/** --provider, checked against the record formats; only with --input. */
export async function inputFormat(flags: { provider?: string; input?: string }, inputFlag = '--input'): Promise<string | undefined> {
  if (flags.provider === undefined) return undefined;
  if (!flags.input) throw new AuditError('E_USAGE', `--provider: only with ${inputFlag} (the API sources know their provider)`);
  const { requireRecordFormat } = await import('../../sources/file/formats.js');
  return requireRecordFormat(flags.provider, '--provider').provider;
}

/**
 * The run reads --input as a file source in place of the configured ones; with a format or
 * --threads, that source is given here (the request carries only the path), with the lateness the run would use.
 */
function withInputFormat(loaded: LoadedConfig, req: CheckRequest, format: string | undefined, threads?: number): [LoadedConfig, CheckRequest] {
  if ((format === undefined && threads === undefined) || req.input === undefined) return [loaded, req];
  const lateness = Math.max(...loaded.config.sources.map((s) => s.lateness));
  const source = { provider: 'file' as const, path: req.input, format, lateness, threads };
  return [{ ...loaded, config: { ...loaded.config, sources: [source] } }, { ...req, input: undefined }];
}

/**
 * SIGTERM (systemd's stop) and SIGINT stop fetching, let deliveries under way finish (10 s at
 * most), save the state, and exit 143 / 130: a stopped run re-sends at most what was in flight.
 */
export async function runCheckCommand(ctx: CommandContext, flags: CheckOptions): Promise<number> {
  const format = await inputFormat(flags);
  const [loaded, req] = withInputFormat(withConfigProfile(await ctx.config(), flags.profile), checkRequest(flags, ctx.io.now(), ctx.io.stdout), format, parseThreads(flags.threads));
  const { runCheck } = await import('../../pipeline.js');
  const { io } = ctx;
  const stop = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    received = signal;
    ctx.logger.warn({ signal }, 'stopping: no more fetching; deliveries under way may finish, then the state is saved');
    stop.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    const { code } = await runCheck({ logger: ctx.logger, env: io.env, now: io.now, stdin: io.stdin, stdout: io.stdout, cwd: io.cwd }, loaded, req, stop.signal);
    return received === 'SIGINT' ? 130 : received ? 143 : code;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
