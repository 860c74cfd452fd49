import { Option, type Command } from 'commander';
import { AuditError } from '../../errors.js';
import type { Logger } from '../../util/logger.js';
import type { CommandContext } from '../context.js';
import { defineAction, type SetExit } from '../define.js';
import type { CliIO } from '../io.js';
import { profileOption, withConfigProfile } from '../options.js';
import { checkRequest, parseLockTimeout } from './check.js';

export interface WatchOptions {
  schedule?: string;
  lockTimeout?: string;
  profile?: string;
}

/** `audit watch`: the check at start and then on a schedule, for systemd. */
export function registerWatchCommand(program: Command, io: CliIO, setExit: SetExit): void {
  defineAction<WatchOptions>(
    program
      .command('watch')
      .description('run the check now and then on a schedule until stopped (SIGINT/SIGTERM finish the check in progress)')
      .option('--schedule <cron>', 'cron expression, seconds field optional (default: source.schedule, else every minute)')
      .addOption(new Option('--lock-timeout <duration>', 'how long a tick waits for another run to finish').default('30s'))
      .addOption(profileOption())
      .addHelpText('after', `\nExamples:\n  $ audit watch\n  $ audit watch --schedule "*/5 * * * *" --config /etc/audit/audit.yaml`),
    io,
    setExit,
    runWatchCommand,
  );
}

export async function runWatchCommand(ctx: CommandContext, flags: WatchOptions): Promise<number> {
  // Each tick reads the flag again; a bad one must exit 2 now, not fail every tick forever.
  parseLockTimeout(flags.lockTimeout);
  // A broken config or rule must fail now, not at the first tick.
  const loaded = withConfigProfile(await ctx.config(), flags.profile);
  const [{ prepareRules }, { checkSession }] = await Promise.all([import('../../config/validate.js'), import('../../pipeline.js')]);
  const prepared = await prepareRules(loaded);
  const schedule = flags.schedule ?? loaded.config.sources.find((s) => s.schedule)?.schedule ?? '* * * * *';
  const cron = (await import('node-cron')).default;
  if (!cron.validate(schedule)) {
    const where = flags.schedule ? '--schedule' : 'source.schedule';
    throw new AuditError(flags.schedule ? 'E_USAGE' : 'E_CONFIG', `${where}: invalid cron expression "${schedule}"`);
  }
  const stopRequested = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const { io } = ctx;
  // One session for the watcher's life: the state stays in memory between ticks.
  const session = checkSession({ logger: ctx.logger, env: io.env, now: io.now, stdin: io.stdin, stdout: io.stdout, cwd: io.cwd }, loaded, prepared, { watch: true });
  try {
    return await watch({
      schedule,
      logger: ctx.logger,
      stopRequested,
      runOnce: async (signal) => (await session.run(checkRequest({ lockTimeout: flags.lockTimeout }, io.now()), signal)).code,
      waiting: () => session.standingBy(),
    });
  } finally {
    // The lease goes at once, so a standby takes over now rather than when it lapses.
    await session.close();
  }
}

export interface WatchDeps {
  schedule: string;
  logger: Logger;
  /** One check; resolves to its exit code. Errors are logged, never fatal to the watcher. */
  runOnce(signal: AbortSignal): Promise<number>;
  /** Resolves with the signal name when the process is asked to stop. */
  stopRequested: Promise<string>;
  /** How long a check in progress may take to finish after a stop request. */
  drainTimeoutMs?: number;
  /** True while the running check waits as a standby: its ticks are skipped without a warning. */
  waiting?: () => boolean;
}

/**
 * `audit watch`: the same check as cron runs, at start and then on a node-cron schedule. Never
 * two checks at once (a tick that finds one running is skipped and logged); a failing tick is
 * logged and the next one runs; a stop request lets the running check finish, deliveries
 * included, within a bound.
 */
export async function watch(deps: WatchDeps): Promise<number> {
  const cron = (await import('node-cron')).default;
  const { logger } = deps;
  cron.setLogger({
    info: (m) => logger.debug({ source: 'node-cron' }, String(m)),
    warn: (m) => logger.debug({ source: 'node-cron' }, String(m)),
    error: (m) => logger.warn({ source: 'node-cron' }, String(m)),
    debug: (m) => logger.debug({ source: 'node-cron' }, String(m)),
  });
  const abort = new AbortController();
  let running: Promise<void> | null = null;
  let stopping = false;
  let ticks = 0;

  const tick = () => {
    if (stopping) return;
    if (running) {
      if (deps.waiting?.()) logger.debug('standing by for the state lease; skipping this tick');
      else logger.warn('the previous check is still running; skipping this tick');
      return;
    }
    const n = ++ticks;
    running = deps
      .runOnce(abort.signal)
      .then((code) => {
        if (code !== 0) logger.warn({ tick: n, exitCode: code }, 'check finished with problems; the next tick retries');
      })
      .catch((err) => logger.error({ tick: n, err: err instanceof Error ? err.message : String(err) }, 'check failed; the next tick retries'))
      .finally(() => {
        running = null;
      });
  };

  const task = cron.schedule(deps.schedule, tick, { name: 'audit-check' });
  logger.info({ schedule: deps.schedule }, 'watching; SIGINT or SIGTERM to stop');
  // The first check runs now, not at the next schedule boundary.
  tick();
  const signal = await deps.stopRequested;
  stopping = true;
  await task.stop();
  await task.destroy();
  logger.info({ signal }, running ? 'stopping after the check in progress' : 'stopping');
  // A standby has nothing in progress: it stops waiting for the lease at once.
  if (running && deps.waiting?.()) abort.abort();
  if (running) {
    const timeout = deps.drainTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeout)));
    if ((await Promise.race([running, late])) === 'late') {
      logger.warn({ timeoutMs: timeout }, 'the check did not finish in time; aborting its deliveries');
      abort.abort();
      await running;
    }
    clearTimeout(timer);
  }
  logger.info({ ticks }, 'stopped');
  return 0;
}
