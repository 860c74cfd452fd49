import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AuditError } from '../../errors.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { compileRules, type LoadedRule } from '../../rules/compile.js';
import { DEFAULT_LATENESS_MS } from '../../rules/engine.js';
import { ruleTypeOf } from '../../rules/types/index.js';
import { formatDuration } from '../../util/duration.js';
import { compareExpectations, parseExpectations } from '../../rules/expect.js';
import { readRuleFile } from '../../rules/files.js';
import { duplicateIssues, loadRules } from '../../rules/load.js';

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



/** `audit rules list`: one row per rule, disabled ones included. */
export function rulesList(loaded: LoadedRule[], io: RulesIO): number {
  const rows = [
    ['ID', 'TYPE', 'SEVERITY', 'ORIGIN', 'ENABLED'],
    ...loaded.map((r) => [r.id, `${ruleTypeOf(r).type}${r.window === undefined ? '' : ` (${formatDuration(r.window)} window)`}`, r.severity, r.origin, r.enabled ? 'yes' : 'no']),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) io.stdout.write(`${row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')}\n`);
  return 0;
}

/** `audit rules validate <files...>`: every problem with file:line:column; exit 2 on any. */
export async function rulesValidate(files: string[], io: RulesIO): Promise<number> {
  const issues: string[] = [];
  const seen: { id: string; origin: string }[] = [];
  for (const file of files) {
    const result = await readRuleFile(path.resolve(io.cwd ?? process.cwd(), file), file);
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

export interface RulesTestOptions {
  /** A recorded file (any format `--input` reads), `-` for stdin. */
  events: string;
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
  // `builtin:<id>` or `builtin:recommended` tests the built-in pack without a file.
  if (rulesFile.startsWith('builtin:')) return loadRules([{ builtin: rulesFile.slice('builtin:'.length) }], { baseDir: cwd });
  return loadRules([{ file: rulesFile }], { baseDir: cwd });
}

/**
 * `audit rules test <rules-file> --events <file> [--expect <file>]`: runs recorded events
 * through the rules and shows what each rule matched and raised. With expectations, exits 1
 * on any difference. Invalid rules throw E_RULE (exit 2).
 */
export async function rulesTest(rulesFile: string, options: RulesTestOptions, io: RulesIO): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const loaded = await loadForTest(rulesFile, cwd);
  const expected = options.expect
    ? parseExpectations(await readExpectFile(path.resolve(cwd, options.expect), options.expect), options.expect)
    : undefined;
  const ruleSet = compileRules(loaded);
  const matched = new Map<string, string[]>(ruleSet.rules.map((r) => [r.rule.id, []]));
  // The same pipeline as `audit check --input --no-state`, so a rule test judges windows as cron would.
  const { createSource, evaluate } = await import('../../pipeline.js');
  const { ephemeralState } = await import('../../state/ephemeral.js');
  const now = io.now ?? (() => new Date());
  const deps = { logger: io.logger ?? createLogger('silent'), env: process.env, now, stdin: io.stdin };
  const source = await createSource({ provider: 'file', path: options.events, lateness: options.latenessMs ?? DEFAULT_LATENESS_MS }, deps);
  const { alerts } = await evaluate(deps, {
    source,
    ruleSet,
    state: ephemeralState(),
    since: options.since,
    until: options.until,
    latenessMs: options.latenessMs ?? DEFAULT_LATENESS_MS,
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
    const expectations = expected ? { ok: differences.length === 0, differences } : undefined;
    io.stdout.write(`${JSON.stringify({ rules: report, expectations })}\n`);
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
