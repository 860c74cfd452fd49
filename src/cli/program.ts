import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { processIO, type CliIO } from './io.js';
import { reportError } from './report.js';

type Register = (program: Command, io: CliIO, setExit: (code: number) => void) => void;

/**
 * Every command, in the order help lists them, each loaded when registered. A run of one command
 * (cron's `audit check`) registers only that one: building all of them, with their options and
 * help texts, was a cost paid on every run for a help page nobody asked for.
 */
const COMMANDS: [name: string, load: () => Promise<Register>][] = [
  ['events', async () => (await import('./commands/events.js')).registerEventsCommand],
  ['check', async () => (await import('./commands/check.js')).registerCheckCommand],
  ['watch', async () => (await import('./commands/watch.js')).registerWatchCommand],
  [
    'rules',
    async () => {
      const [{ registerRulesCommands }, { registerRulesTestCommand }] = await Promise.all([import('./commands/rules.js'), import('./commands/rules-test.js')]);
      return (program, io, setExit) => registerRulesTestCommand(registerRulesCommands(program, io, setExit), io, setExit);
    },
  ],
  ['notify', async () => (await import('./commands/notify.js')).registerNotifyCommands],
  ['outbox', async () => (await import('./commands/outbox.js')).registerOutboxCommands],
  ['status', async () => (await import('./commands/status.js')).registerStatusCommand],
  ['config', async () => (await import('./commands/config.js')).registerConfigCommands],
  // Completion describes every command, so it is never registered alone.
  ['completion', async () => (await import('./commands/completion.js')).registerCompletionCommand],
];

/** The program with every command, or with only `only` (a command's name) when it names one. */
export async function buildProgram(io: CliIO, setExit: (code: number) => void, only?: string): Promise<Command> {
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
  const alone = COMMANDS.find(([name]) => name === only && name !== 'completion');
  const registers = await Promise.all((alone ? [alone] : COMMANDS).map(([, load]) => load()));
  for (const register of registers) register(program, io, setExit);
  return program;
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  let code = 0;
  const program = await buildProgram(io, (c) => (code = c), argv[0]);
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
