import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { processIO, type CliIO } from './io.js';
import { reportError } from './report.js';
import { registerEventsCommand } from './commands/events.js';
import { registerCheckCommand } from './commands/check.js';
import { registerWatchCommand } from './commands/watch.js';
import { registerRulesCommands } from './commands/rules.js';
import { registerRulesTestCommand } from './commands/rules-test.js';
import { registerNotifyCommands } from './commands/notify.js';
import { registerConfigCommands } from './commands/config.js';
import { registerOutboxCommands } from './commands/outbox.js';
import { registerCompletionCommand } from './commands/completion.js';
import { registerStatusCommand } from './commands/status.js';

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
  registerCheckCommand(program, io, setExit);
  registerWatchCommand(program, io, setExit);
  registerRulesTestCommand(registerRulesCommands(program, io, setExit), io, setExit);
  registerNotifyCommands(program, io, setExit);
  registerOutboxCommands(program, io, setExit);
  registerStatusCommand(program, io, setExit);
  registerConfigCommands(program, io, setExit);
  registerCompletionCommand(program, io, setExit);
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
