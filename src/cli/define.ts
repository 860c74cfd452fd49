import { Option, type Command } from 'commander';
import type { CommandContext } from './context.js';
import type { CliIO } from './io.js';
import { reportError } from './report.js';

/** What a command does with its parsed options (typed per command) and arguments; resolves to the exit code. */
export type Action<O> = (ctx: CommandContext, opts: O, args: string[]) => Promise<number>;

/** Passed to every command file's register function. */
export type SetExit = (code: number) => void;

/**
 * Adds --config and --log-level to a command and runs `action` with a fresh context. Commands
 * import what they run inside `action`, so `--help` and usage errors load none of it.
 */
export function defineAction<O>(cmd: Command, io: CliIO, setExit: SetExit, action: Action<O>): Command {
  return cmd
    .option('-c, --config <file>', 'config file (default: $AUDIT_CONFIG, ./audit.yaml, ~/.config/audit/config.yaml)')
    .addOption(new Option('--log-level <level>', 'trace|debug|info|warn|error|silent (default: $LOG_LEVEL or info)'))
    .option('--no-color', 'no colour, even in a terminal (as NO_COLOR=1)')
    .action(async (...params: any[]) => {
      const command: Command = params[params.length - 1];
      const opts = command.opts() as O & { logLevel?: string; config?: string; color?: boolean };
      // One switch for everything that colours (alert lines, pretty logs): the NO_COLOR convention.
      if (opts.color === false) io = { ...io, env: { ...io.env, NO_COLOR: '1' } };
      const args = params.slice(0, -2).filter((p) => typeof p === 'string' || Array.isArray(p)).flat();
      try {
        // Loaded here, not at the top: --help and usage errors never pay for zod and yaml.
        const { createContext } = await import('./context.js');
        const ctx = createContext(opts, io);
        setExit(await action(ctx, opts, args as string[]));
      } catch (err) {
        setExit(reportError(err, io.stderr, (opts.logLevel ?? io.env.LOG_LEVEL) === 'debug' || opts.logLevel === 'trace'));
      }
    });
}

