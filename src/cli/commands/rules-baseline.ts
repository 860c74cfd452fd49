import type { Command } from 'commander';
import { AuditError } from '../../errors.js';
import type { LoadedRule } from '../../rules/compile.js';
import type { CommandContext } from '../context.js';
import { defineAction, type SetExit } from '../define.js';
import type { CliIO } from '../io.js';
import { outputOption, resolveOutput } from '../options.js';
import { lineWriter } from '../output.js';

export interface BaselineFlags {
  output?: 'text' | 'json';
  reset?: boolean;
}

/** `audit rules baseline RULE_ID [--reset]`: what a firstSeen rule has learned, from the state. */
export function registerRulesBaselineCommand(rules: Command, io: CliIO, setExit: SetExit): void {
  defineAction<BaselineFlags>(
    rules
      .command('baseline')
      .description('what a firstSeen rule has learned (per group: values, first and last seen, learning until); --reset forgets it')
      .argument('<rule>', 'the id of a firstSeen rule')
      .option('--reset', 'forget the baseline: the rule learns again from its next run')
      .addOption(outputOption())
      .addHelpText('after', '\nExamples:\n  $ audit rules baseline root-login-new-ip\n  $ audit rules baseline root-login-new-ip --output json | jq .values\n  $ audit rules baseline root-login-new-ip --reset'),
    io,
    setExit,
    (ctx, opts, [ruleId]) => rulesBaseline(ctx, ruleId, { reset: Boolean(opts.reset), output: resolveOutput(opts.output, ctx.io.stdout) }),
  );
}

export async function rulesBaseline(ctx: CommandContext, ruleId: string, opts: { reset: boolean; output: 'text' | 'json' }): Promise<number> {
  const loaded = await ctx.config();
  const [{ prepareRules }, { compileRules }, { resolveStateDir }, { withState }] = await Promise.all([
    import('../../config/validate.js'),
    import('../../rules/compile.js'),
    import('../../state/index.js'),
    import('../../state/backend.js'),
  ]);
  const rule = (await prepareRules(loaded)).all.find((r) => r.id === ruleId);
  if (!rule) throw new AuditError('E_USAGE', `unknown rule "${ruleId}" (see audit rules list)`);
  const compiled = compileRules([{ ...rule, enabled: true }]).rules[0];
  if (!rule.firstSeen) throw new AuditError('E_USAGE', `rule ${ruleId} is of type ${compiled.type.type}: only firstSeen rules learn a baseline`);
  const dir = resolveStateDir({ configuredDir: loaded.config.state.dir, configPath: loaded.path, env: ctx.io.env, cwd: ctx.io.cwd });
  // Forgetting writes the state a check may be writing too: under the same lock.
  return withState(loaded.config.state, { dir, logger: ctx.logger, now: ctx.io.now }, opts.reset, async (store) => {
    const entry = store.ruleStates().find(([id]) => id === ruleId);
    if (opts.reset) {
      if (entry) {
        store.setRuleStates(store.ruleStates().filter(([id]) => id !== ruleId));
        await store.save();
      }
      ctx.io.stdout.write(entry ? `forgot the baseline of ${ruleId}; it learns again from its next run\n` : `${ruleId} has no baseline to forget\n`);
      return 0;
    }
    if (entry && entry[1] !== compiled.stateKey) {
      ctx.logger.warn({ rule: ruleId }, 'the saved baseline is from an earlier version of this rule; the next check starts afresh');
    }
    const groups = entry && entry[1] === compiled.stateKey ? await describeBaseline(rule, entry[2]) : [];
    await print(ctx, ruleId, groups, opts.output);
    return 0;
  });
}

interface GroupView {
  group: Record<string, unknown> | null;
  since: string;
  learningUntil: string;
  lastSeen: string;
  values: { value: unknown; firstSeen: string; lastSeen: string }[];
}

const iso = (ms: number) => new Date(ms).toISOString();

async function describeBaseline(rule: LoadedRule, snapshot: unknown): Promise<GroupView[]> {
  const { baselineSnapshotSchema } = await import('../../rules/types/first-seen-baseline.js');
  const parsed = baselineSnapshotSchema.safeParse(snapshot);
  if (!parsed.success) throw new AuditError('E_STATE', `rule ${rule.id}: the saved baseline is unusable (${parsed.error.issues[0]?.message}); --reset forgets it`);
  const learn = rule.firstSeen!.learn;
  return parsed.data.groups.map(([, group, since, last, values]) => ({
    group,
    since: iso(since),
    learningUntil: iso(since + learn),
    lastSeen: iso(last),
    values: values
      .slice()
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .map(([value, first, seen]) => ({ value: JSON.parse(value) as unknown, firstSeen: iso(first), lastSeen: iso(seen) })),
  }));
}

async function print(ctx: CommandContext, ruleId: string, groups: GroupView[], output: 'text' | 'json'): Promise<void> {
  const out = lineWriter(ctx.io.stdout);
  if (output === 'json') {
    for (const g of groups) await out.line(JSON.stringify({ rule: ruleId, ...g }));
    return out.flush();
  }
  // Values and group values come from events: one line each, control characters escaped.
  const { clean } = await import('../../rules/alert.js');
  const text = (v: unknown) => clean(typeof v === 'string' ? v : JSON.stringify(v), 80);
  if (groups.length === 0) await out.line(`${ruleId} has learned nothing yet (it records from its next run)`);
  for (const g of groups) {
    const name = g.group ? Object.entries(g.group).map(([k, v]) => `${k}=${text(v)}`).join(', ') : '(all events)';
    await out.line(`${name}: ${g.values.length} value${g.values.length === 1 ? '' : 's'}, learning until ${g.learningUntil}, last event ${g.lastSeen}`);
    const width = Math.max(...g.values.map((v) => text(v.value).length), 5);
    for (const v of g.values) await out.line(`  ${text(v.value).padEnd(width)}  first ${v.firstSeen}  last ${v.lastSeen}`);
  }
  return out.flush();
}
