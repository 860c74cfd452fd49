import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { defineAction, type SetExit } from '../define.js';

/** `audit config validate|schema`. */
export function registerConfigCommands(program: Command, io: CliIO, setExit: SetExit): void {
  const config = program
    .command('config')
    .description('check the config file or print its JSON Schema')
    .addHelpText('after', '\nExamples:\n  $ audit config validate\n  $ audit config schema > audit.schema.json');

  defineAction(
    config
      .command('validate')
      .description('validate the config, its rule files and notifier references; prints ok or every error')
      .addHelpText('after', '\nExamples:\n  $ audit config validate --config /etc/audit/audit.yaml\n  $ AUDIT_CONFIG=./audit.yaml audit config validate'),
    io,
    setExit,
    async (ctx) => {
      const { validateEverything } = await import('../../config/validate.js');
      const loaded = await ctx.config();
      await validateEverything(loaded);
      ctx.io.stdout.write(`ok${loaded.path ? ` (${loaded.path})` : ' (no config file: built-in defaults)'}\n`);
      return 0;
    },
  );

  defineAction(
    config
      .command('schema')
      .description('print the JSON Schema of audit.yaml (for editor completion)')
      .addHelpText('after', '\nExamples (VS Code YAML extension):\n  $ audit config schema > audit.schema.json\n  # then add "# yaml-language-server: $schema=./audit.schema.json" to audit.yaml'),
    io,
    setExit,
    async (ctx) => {
      const { configJsonSchema } = await import('../../config/json-schema.js');
      ctx.io.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
      return 0;
    },
  );
}
