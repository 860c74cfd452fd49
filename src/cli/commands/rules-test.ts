import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { AuditError } from '../../errors.js';
import type { LoadedRule } from '../../rules/compile.js';
import { defineAction, type SetExit } from '../define.js';
import type { CliIO } from '../io.js';
import { outputOption, parseRange, providerOption, resolveOutput } from '../options.js';
import { inputFormat, parseThreads, threadsOption } from './check.js';
import type { RulesIO } from './rules.js';

/** 15 minutes, as `source.lateness` defaults to. */
const DEFAULT_LATENESS_MS = 15 * 60_000;

export interface RulesTestFlags {
  events: string;
  expect?: string;
  since?: string;
  until?: string;
  output?: 'text' | 'json';
  provider?: string;
  threads?: string;
}

/** `audit rules test RULES --events FILE`: a replay through the same pipeline as `audit check --input`. */
export function registerRulesTestCommand(rules: Command, io: CliIO, setExit: SetExit): void {
  defineAction<RulesTestFlags>(
    rules
      .command('test')
      .description('run recorded events through rules; show what each rule matched and raised')
      .argument('<rules>', 'a rule file, or builtin:<id> / builtin:recommended')
      .requiredOption('-e, --events <path>', 'recorded events: a file or a directory of delivered logs (any format --input accepts; - for stdin)')
      .addOption(providerOption())
      .option('--expect <file>', 'YAML map of rule id to expected alert count or event ids; exit 1 on any difference')
      .option('-s, --since <when>', 'the first evaluation point of window rules; events one lookback before it are history only (default: the first event)')
      .option('-u, --until <when>', 'the last evaluation point of window rules (default: the first at or after the latest event)')
      .addOption(outputOption())
      .addOption(threadsOption())
      .addHelpText(
        'after',
        '\nExamples:\n  $ audit rules test rules/deletions.yaml --events examples/events.ndjson\n  $ audit rules test builtin:recommended --events examples/events.ndjson --expect expect.yaml',
      ),
    io,
    setExit,
    async (ctx, opts, [rulesFile]) => {
      const { start: since, end: until } = parseRange(opts.since, opts.until, ctx.io.now());
      const format = await inputFormat({ provider: opts.provider, input: opts.events }, '--events');
      return rulesTest(rulesFile, { events: opts.events, format, expect: opts.expect, output: resolveOutput(opts.output, ctx.io.stdout), since, until, threads: parseThreads(opts.threads) }, { ...ctx.io, logger: ctx.logger });
    },
  );
}

export interface RulesTestOptions {
  /** A recorded file (any format `--input` reads), `-` for stdin. */
  events: string;
  /** The provider every record is read as (`--provider`); default detected per record. */
  format?: string;
  /** Worker threads for a large events file (`--threads`). */
  threads?: number;
  /** Path to a YAML map: rule id → expected alert count, or list of alerted event ids. */
  expect?: string;
  output: 'text' | 'json';
  /** The first evaluation point of window rules (events one lookback before it are their history); default the first event. */
  since?: Date;
  /** The last evaluation point of window rules; default the first at or after the latest event. */
  until?: Date;
  /** How late an event may arrive behind newer ones and still count (default 15m, as source.lateness). */
  latenessMs?: number;
}

const MAX_LISTED = 20;

async function loadForTest(rulesFile: string, cwd: string): Promise<LoadedRule[]> {
  const { loadRules } = await import('../../rules/load.js');
  // `builtin:<id>` or `builtin:recommended` tests the built-in pack without a file.
  if (rulesFile.startsWith('builtin:')) return loadRules([{ builtin: rulesFile.slice('builtin:'.length) }], { baseDir: cwd });
  // A Sigma file is tested as the config's `sigma:` entry would load it.
  const [{ readFile }, { isSigmaText }] = await Promise.all([import('node:fs/promises'), import('../../rules/sigma/yaml.js')]);
  const text = await readFile(path.resolve(cwd, rulesFile), 'utf8').catch(() => '');
  return loadRules([isSigmaText(text) ? { sigma: rulesFile } : { file: rulesFile }], { baseDir: cwd });
}

/**
 * `audit rules test <rules-file> --events <file> [--expect <file>]`: runs recorded events
 * through the rules and shows what each rule matched and raised. With expectations, exits 1
 * on any difference. Invalid rules throw E_RULE (exit 2).
 */
export async function rulesTest(rulesFile: string, options: RulesTestOptions, io: RulesIO): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const [{ compileRules }, { compareExpectations, parseExpectations }, { createSource, evaluate }, { ephemeralState }, { createLogger }] = await Promise.all([
    import('../../rules/compile.js'),
    import('../../rules/expect.js'),
    import('../../pipeline.js'),
    import('../../state/ephemeral.js'),
    import('../../util/logger.js'),
  ]);
  const loaded = await loadForTest(rulesFile, cwd);
  const expected = options.expect
    ? parseExpectations(await readExpectFile(path.resolve(cwd, options.expect), options.expect), options.expect)
    : undefined;
  const ruleSet = compileRules(loaded);
  const matched = new Map<string, string[]>(ruleSet.rules.map((r) => [r.rule.id, []]));
  // The same pipeline as `audit check --input --no-state`, so a rule test judges windows as cron would.
  const now = io.now ?? (() => new Date());
  const deps = { logger: io.logger ?? createLogger('silent'), env: process.env, now, stdin: io.stdin };
  const lateness = options.latenessMs ?? DEFAULT_LATENESS_MS;
  const source = await createSource({ provider: 'file', path: options.events, lateness, threads: options.threads, ...(options.format ? { format: options.format } : {}) }, deps);
  const { alerts } = await evaluate(deps, {
    source,
    ruleSet,
    state: ephemeralState(),
    since: options.since,
    until: options.until,
    latenessMs: lateness,
    onMatch: (rule, event) => matched.get(rule.rule.id)!.push(event.id),
  });

  const differences = expected ? compareExpectations(expected, alerts, new Set(matched.keys())) : [];
  const report = ruleSet.rules.map((r) => ({
    id: r.rule.id,
    severity: r.rule.severity,
    matched: matched.get(r.rule.id)!,
    alerts: alerts.filter((a) => a.rule.id === r.rule.id),
  }));
  if (options.output === 'json') {
    // NDJSON: one line per rule, then one with the expectations when there are any.
    for (const r of report) io.stdout.write(`${JSON.stringify(r)}\n`);
    if (expected) io.stdout.write(`${JSON.stringify({ expectations: { ok: differences.length === 0, differences } })}\n`);
  } else {
    for (const r of report) {
      io.stdout.write(`${r.id} (${r.severity}): matched ${r.matched.length} event${r.matched.length === 1 ? '' : 's'}, raised ${r.alerts.length} alert${r.alerts.length === 1 ? '' : 's'}\n`);
      if (r.matched.length > 0) {
        const more = r.matched.length > MAX_LISTED ? ` … and ${r.matched.length - MAX_LISTED} more` : '';
        io.stdout.write(`  matched: ${r.matched.slice(0, MAX_LISTED).join(', ')}${more}\n`);
      }
      for (const a of r.alerts) io.stdout.write(`  alert ${a.time}: ${a.summary}\n`);
    }
    if (expected) {
      for (const d of differences) io.stdout.write(`DIFF ${d}\n`);
      io.stdout.write(differences.length === 0 ? 'expectations met\n' : `${differences.length} difference${differences.length === 1 ? '' : 's'} from expectations\n`);
    }
  }
  return differences.length > 0 ? 1 : 0;
}

async function readExpectFile(file: string, display: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new AuditError('E_USAGE', `${display}: cannot read expectations (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
}
