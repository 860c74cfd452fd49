import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { defineAction } from '../program.js';

export function registerNotifyCommands(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const notify = program
    .command('notify')
    .description('check notifiers before relying on them')
    .addHelpText('after', '\nExamples:\n  $ audit notify test ops');
  defineAction(
    notify
      .command('test')
      .description('send one clearly marked sample alert through a configured notifier; prints delivered or the failure')
      .argument('<name>', 'the notifier name from the config')
      .addHelpText('after', '\nExamples:\n  $ audit notify test ops\n  $ audit notify test sms --config /etc/audit/audit.yaml'),
    io,
    setExit,
    async (ctx, _opts, [name]) => {
      const { notifyTest } = await import('./notify.js');
      const loaded = await ctx.config();
      return notifyTest(loaded.config.notifiers, name, ctx.io, ctx.logger);
    },
  );
}
