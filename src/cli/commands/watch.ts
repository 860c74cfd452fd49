import { AuditError } from '../../errors.js';
import { prepareRules } from '../../config/validate.js';
import { watch } from '../../check/watch.js';
import type { CommandContext } from '../context.js';
import { runCheckCommand } from './check.js';

interface WatchFlags {
  schedule?: string;
  lockTimeout?: string;
}

export async function runWatchCommand(ctx: CommandContext, flags: WatchFlags): Promise<number> {
  // A broken config or rule must fail now, not at the first tick.
  const loaded = await ctx.config();
  await prepareRules(loaded);
  const schedule = flags.schedule ?? loaded.config.source.schedule ?? '* * * * *';
  const cron = (await import('node-cron')).default;
  if (!cron.validate(schedule)) {
    const where = flags.schedule ? '--schedule' : 'source.schedule';
    throw new AuditError(flags.schedule ? 'E_USAGE' : 'E_CONFIG', `${where}: invalid cron expression "${schedule}"`);
  }
  const stopRequested = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  return watch({
    schedule,
    logger: ctx.logger,
    stopRequested,
    runOnce: (signal) => runCheckCommand(ctx, { lockTimeout: flags.lockTimeout }, signal),
  });
}
