import path from 'node:path';
import type { Locale } from '../../util/locale.js';
import type { Command } from 'commander';
import { AuditError } from '../../errors.js';
import type { LoadedRule } from '../../rules/compile.js';
import { formatDuration } from '../../util/duration.js';
import type { Logger } from '../../util/logger.js';
import { defineAction, type SetExit } from '../define.js';
import type { CliIO } from '../io.js';
import { outputOption, resolveOutput } from '../options.js';
import { registerRulesBaselineCommand } from './rules-baseline.js';

export interface RulesIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Relative paths (rules file, --expect) resolve against this; default process.cwd(). */
  cwd?: string;
  now?: () => Date;
  /** What `--events -` reads. */
  stdin?: NodeJS.ReadableStream;
  /** Warnings while reading the events (skipped records). */
  logger?: Logger;
}

/** `audit rules list|validate`; returns the `rules` command for `rules test` (rules-test.ts). */
export function registerRulesCommands(program: Command, io: CliIO, setExit: SetExit): Command {
  const rules = program
    .command('rules')
    .description('list, validate and test alert rules')
    .addHelpText(
      'after',
      '\nExamples:\n  $ audit rules list\n  $ audit rules validate rules/*.yaml\n  $ audit rules test builtin:recommended --events examples/events.ndjson',
    );

  defineAction<{ output?: 'text' | 'json' }>(
    rules
      .command('list')
      .description('the rules the config enables: id, title, type, severity, where it comes from, enabled')
      .addOption(outputOption())
      .addHelpText('after', '\nExamples:\n  $ audit rules list\n  $ audit rules list --output json | jq -r .id'),
    io,
    setExit,
    async (ctx, opts) => {
      const { prepareRules } = await import('../../config/validate.js');
      const loaded = await ctx.config();
      const prepared = await prepareRules(loaded);
      const { presentationFrom } = await import('../../util/locale.js');
      return rulesList(prepared.all, { ...ctx.io }, resolveOutput(opts.output, ctx.io.stdout), presentationFrom(ctx.io.env, loaded.config).locale);
    },
  );

  defineAction(
    rules
      .command('validate')
      .description('check rule files: every error with file:line:column and its path in the rule')
      .argument('[files...]', 'rule files (YAML lists of rules, or Sigma rules); default: the rule files the config uses')
      .addHelpText('after', '\nExamples:\n  $ audit rules validate rules/*.yaml\n  $ audit rules validate            # the config and its rule files'),
    io,
    setExit,
    async (ctx, _opts, files) => {
      if (files.length) return rulesValidate(files, { ...ctx.io });
      const { prepareRules } = await import('../../config/validate.js');
      await prepareRules(await ctx.config());
      ctx.io.stdout.write('ok\n');
      return 0;
    },
  );
  registerRulesBaselineCommand(rules, io, setExit);
  return rules;
}

/** `audit rules list`: one row per rule, disabled ones included. */
export async function rulesList(loaded: LoadedRule[], io: RulesIO, output: 'text' | 'json' = 'text', locale?: Locale): Promise<number> {
  const [{ ruleTypeOf }, { titleIn }, { localeFromEnv }] = await Promise.all([
    import('../../rules/types/index.js'),
    import('../../rules/alert.js'),
    import('../../util/locale.js'),
  ]);
  // Built-in titles in the reader's language (the config's, else LANG), as in their alerts.
  loaded = loaded.map((r) => ({ ...r, title: titleIn(r, locale ?? localeFromEnv(process.env)) }));
  if (output === 'json') {
    for (const r of loaded) {
      const { id, title, severity, origin, enabled, notify } = r;
      io.stdout.write(`${JSON.stringify({ id, title, type: ruleTypeOf(r).type, window: r.window === undefined ? null : formatDuration(r.window), severity, origin, enabled, notify: notify ?? null })}\n`);
    }
    return 0;
  }
  const { sanitize, padEnd, displayWidth } = await import('../../events/text-width.js');
  const rows = [
    ['ID', 'TITLE', 'TYPE', 'SEVERITY', 'ORIGIN', 'ENABLED'],
    ...loaded.map((r) => [r.id, sanitize(r.title), `${ruleTypeOf(r).type}${r.window === undefined ? '' : ` (${formatDuration(r.window)} window)`}`, r.severity, r.origin, r.enabled ? 'yes' : 'no']),
  ];
  // Titles may be Chinese: columns are aligned by display width, not by string length.
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => displayWidth(row[c]))));
  for (const row of rows) io.stdout.write(`${row.map((cell, c) => (c === row.length - 1 ? cell : padEnd(cell, widths[c]))).join('  ')}\n`);
  // A built-in that is off by default says how to turn it on, with the window its own default would use.
  const { BUILTIN_RULES } = await import('../../rules/builtin/index.js');
  for (const r of loaded.filter((x) => !x.enabled && x.origin === 'builtin' && BUILTIN_RULES[x.id]?.spec.enabled === false)) {
    const window = r.window === undefined ? '' : `, window: ${formatDuration(r.window)}`;
    io.stdout.write(`\n${r.id} is off. To enable it, add to rules: - { id: ${r.id}, enabled: true${window} }  (pick a window that suits the account)\n`);
  }
  return 0;
}

/** `audit rules validate <files...>`: every problem with file:line:column; exit 2 on any. */
export async function rulesValidate(files: string[], io: RulesIO): Promise<number> {
  const [{ readRuleFile }, { duplicateIssues }, { compileRules }, { readSigmaFiles }] = await Promise.all([
    import('../../rules/files.js'),
    import('../../rules/load.js'),
    import('../../rules/compile.js'),
    import('../../rules/sigma/index.js'),
  ]);
  const issues: string[] = [];
  const seen: { id: string; origin: string }[] = [];
  // Sigma files are told by their content and read together: a correlation may name a rule in another.
  const resolved = files.map((file) => ({ file: path.resolve(io.cwd ?? process.cwd(), file), display: file }));
  const sigma = new Map((await readSigmaFiles(resolved, { detect: true })).map((s) => [s.display, s.result]));
  for (const file of files) {
    const result = sigma.get(file) ?? (await readRuleFile(path.resolve(io.cwd ?? process.cwd(), file), file));
    issues.push(...result.issues);
    for (const { index, rule } of result.rules) {
      const at = `${file}:${result.locate([index, 'id'])}`;
      const dup = duplicateIssues([...seen, { id: rule.id, origin: at }]);
      if (dup.length > 0) issues.push(`${at}: rules[${index}].id: ${dup[0]}`);
      else seen.push({ id: rule.id, origin: at });
      try {
        compileRules([{ ...rule, title: rule.id, severity: 'medium', enabled: true, origin: file }]);
      } catch (err) {
        issues.push(`${at}: rules[${index}]: ${err instanceof AuditError ? err.issues.join('; ') || err.message : String(err)}`);
      }
    }
  }
  if (files.length === 0) issues.push('no rule files given');
  for (const issue of issues) io.stderr.write(`${issue}\n`);
  if (issues.length > 0) {
    io.stderr.write(`${issues.length} problem${issues.length === 1 ? '' : 's'} found\n`);
    return 2;
  }
  io.stdout.write('ok\n');
  return 0;
}
