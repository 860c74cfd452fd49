import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.js';
import { processIO, type CliIO } from './io.js';
import type { CommandContext } from './context.js';
import { reportError } from './report.js';
import { registerEventsCommand } from './commands/events.cli.js';
import { registerConfigCommands } from './commands/config.cli.js';
import { registerCheckCommands } from './commands/check.cli.js';
import { registerRulesCommands } from './commands/rules.cli.js';
import { registerNotifyCommands } from './commands/notify.cli.js';

export type Action = (ctx: CommandContext, opts: any, args: string[]) => Promise<number>;

/** Adds --config and --log-level to a command and runs `action` with a fresh context. */
export function defineAction(cmd: Command, io: CliIO, setExit: (code: number) => void, action: Action): Command {
  return cmd
    .option('-c, --config <file>', 'config file (default: $AUDIT_CONFIG, ./audit.yaml, ~/.config/audit/config.yaml)')
    .addOption(new Option('--log-level <level>', 'trace|debug|info|warn|error|silent (default: $LOG_LEVEL or info)'))
    .action(async (...params: any[]) => {
      const command: Command = params[params.length - 1];
      const opts = command.opts();
      const args = params.slice(0, -2).filter((p) => typeof p === 'string' || Array.isArray(p)).flat();
      try {
        // Loaded here, not at the top: --help and usage errors never pay for zod, yaml and pino.
        const { createContext } = await import('./context.js');
        const ctx = createContext(opts, io);
        setExit(await action(ctx, opts, args as string[]));
      } catch (err) {
        setExit(reportError(err, io.stderr, (opts.logLevel ?? io.env.LOG_LEVEL) === 'debug' || opts.logLevel === 'trace'));
      }
    });
}

export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command('audit')
    .description('Watch Tencent CloudAudit and alert on dangerous activity: root logins, deletions, spend, failure spikes.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ audit events --since 1h                      recent events, one line each
  $ audit events --since 1d --output json | jq -r .name
  $ audit check --since 5m                       evaluate the rules once
  $ audit config validate                        check audit.yaml before cron runs it
  $ npm run demo                                 try it against the built-in emulator

Exit codes: 0 ok, 1 runtime failure, 2 usage or config error, 3 alerts with --fail-on-match.
Docs: README.md (config reference, crontab and systemd set-up).`,
    );
  registerEventsCommand(program, io, setExit);
  registerCheckCommands(program, io, setExit);
  registerRulesCommands(program, io, setExit);
  registerNotifyCommands(program, io, setExit);
  registerConfigCommands(program, io, setExit);
  return program;
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; every other parse failure is a usage error.
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    }
    return reportError(err, io.stderr, false);
  }
  return code;
}
