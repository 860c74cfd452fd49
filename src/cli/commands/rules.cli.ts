import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { defineAction } from '../program.js';
import { outputOption } from './events.cli.js';
import { parseRange, resolveOutput } from './range.js';

export function registerRulesCommands(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const rules = program
    .command('rules')
    .description('list, validate and test alert rules')
    .addHelpText(
      'after',
      '\nExamples:\n  $ audit rules list\n  $ audit rules validate rules/*.yaml\n  $ audit rules test builtin:recommended --events examples/events.ndjson',
    );

  defineAction(
    rules
      .command('list')
      .description('the rules the config enables: id, severity, where it comes from, enabled')
      .addHelpText('after', '\nExamples:\n  $ audit rules list\n  $ audit rules list --config /etc/audit/audit.yaml'),
    io,
    setExit,
    async (ctx) => {
      const [{ rulesList }, { prepareRules }] = await Promise.all([import('./rules.js'), import('../../config/validate.js')]);
      const prepared = await prepareRules(await ctx.config());
      return rulesList(prepared.all, { ...ctx.io });
    },
  );

  defineAction(
    rules
      .command('validate')
      .description('check rule files: every error with file:line:column and its path in the rule')
      .argument('[files...]', 'rule files (YAML lists of rules); default: the rule files the config uses')
      .addHelpText('after', '\nExamples:\n  $ audit rules validate rules/*.yaml\n  $ audit rules validate            # the config and its rule files'),
    io,
    setExit,
    async (ctx, _opts, files) => {
      if (files.length) return (await import('./rules.js')).rulesValidate(files, { ...ctx.io });
      const { prepareRules } = await import('../../config/validate.js');
      await prepareRules(await ctx.config());
      ctx.io.stdout.write('ok\n');
      return 0;
    },
  );

  defineAction(
    rules
      .command('test')
      .description('run recorded events through rules; show what each rule matched and raised')
      .argument('<rules>', 'a rule file, or builtin:<id> / builtin:recommended')
      .requiredOption('-e, --events <file>', 'recorded events (any format --input accepts; - for stdin)')
      .option('--expect <file>', 'YAML map of rule id to expected alert count or event ids; exit 1 on any difference')
      .option('-s, --since <when>', 'the first evaluation point of window rules; events one lookback before it are history only (default: the first event)')
      .option('-u, --until <when>', 'the last evaluation point of window rules (default: the first at or after the latest event)')
      .addOption(outputOption())
      .addHelpText(
        'after',
        '\nExamples:\n  $ audit rules test rules/deletions.yaml --events examples/events.ndjson\n  $ audit rules test builtin:recommended --events examples/events.ndjson --expect expect.yaml',
      ),
    io,
    setExit,
    async (ctx, opts, [rulesFile]) => {
      const { rulesTest } = await import('./rules.js');
      const { start: since, end: until } = parseRange(opts.since, opts.until, ctx.io.now());
      return rulesTest(rulesFile, { events: opts.events, expect: opts.expect, output: resolveOutput(opts.output, ctx.io.stdout), since, until }, { ...ctx.io, logger: ctx.logger });
    },
  );
}
