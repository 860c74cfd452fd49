import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { LoadedConfig } from '../../config/index.js';
import type { StateStore } from '../../state/index.js';
import type { CommandContext } from '../context.js';
import { defineAction, type SetExit } from '../define.js';
import type { CliIO } from '../io.js';
import { outputOption, resolveOutput } from '../options.js';
import { lineWriter } from '../output.js';

/**
 * `audit status`: how the watcher itself is doing, from the state alone. Read-only and without
 * the lock, so it answers while `audit watch` runs (the state file is replaced atomically).
 * Exit 1 when a partition lags past health.maxLag, checked now: a cron job that stopped
 * running raises nothing, but a monitor running `audit status` still sees it.
 */
export function registerStatusCommand(program: Command, io: CliIO, setExit: SetExit): void {
  defineAction<{ output?: 'text' | 'json' }>(
    program
      .command('status')
      .description('per partition: checkpoint, lag, observed lateness and re-read depth, last run and error; pending deliveries, quarantine, firstSeen baselines. Exit 1 when a partition lags past health.maxLag')
      .addOption(outputOption())
      .addHelpText('after', '\nExamples:\n  $ audit status\n  $ audit status --output json | jq \'.partitions[] | select(.lagging)\''),
    io,
    setExit,
    async (ctx, opts) => {
      const report = await gatherStatus(ctx, await ctx.config());
      await (resolveOutput(opts.output, ctx.io.stdout) === 'json' ? printJson(ctx, report) : printText(ctx, report));
      return report.lagging ? 1 : 0;
    },
  );
}

export interface PartitionStatus {
  partition: string;
  checkpoint: string | null;
  lagMs: number | null;
  lastRunAt: string | null;
  result: 'ok' | 'failed' | null;
  error: string | null;
  failingSince: string | null;
  laggingSince: string | null;
  /** Lags past health.maxLag now (whatever the last run saw). */
  lagging: boolean;
  /** The most an event showed up late in the last 24 hours, and so how far behind its checkpoint the next run re-reads (null: not known yet). */
  lateMs: number | null;
  refetchMs: number | null;
  /** Nothing before this can still show up: it is not read again. */
  settledTo: string | null;
}

export interface StatusReport {
  stateDir: string;
  now: string;
  maxLagMs: number | null;
  lagging: boolean;
  partitions: PartitionStatus[];
  /** Pending deliveries per notifier. */
  outbox: { alerts: number; pending: Record<string, number> };
  quarantined: number;
  baselines: { rule: string; groups: number; values: number }[];
}

async function gatherStatus(ctx: CommandContext, loaded: LoadedConfig): Promise<StatusReport> {
  const [{ resolveStateDir }, { withState }, { prepareRules }] = await Promise.all([
    import('../../state/index.js'),
    import('../../state/backend.js'),
    import('../../config/validate.js'),
  ]);
  const prepared = await prepareRules(loaded);
  const dir = resolveStateDir({ configuredDir: loaded.config.state.dir, configPath: loaded.path, env: ctx.io.env, cwd: ctx.io.cwd });
  // Read as it is, from either backend: status never waits for a running check.
  return withState(loaded.config.state, { dir, logger: ctx.logger, now: ctx.io.now }, false, (store) => report(ctx, loaded, store, dir, prepared));
}

async function report(ctx: CommandContext, loaded: LoadedConfig, store: StateStore, dir: string, prepared: Prepared): Promise<StatusReport> {
  const [{ lagOf }, { observedLateness, refetchDepth }] = await Promise.all([import('../../state/health.js'), import('../../sources/lateness.js')]);
  const latenessMs = Math.max(...loaded.config.sources.map((s) => s.lateness));
  const now = ctx.io.now();
  const maxLagMs = loaded.config.health.maxLag ?? null;
  const health = new Map(store.health.entries());
  const checkpoints = new Map(store.checkpoints());
  // The last run's partitions; a state from before run health was kept has checkpoints only.
  // (Checkpoints alone may include names an upgrade renamed: shown only when nothing better is known.)
  const names = health.size > 0 ? [...health.keys()] : [...checkpoints.keys()];
  const partitions = names.sort().map((partition): PartitionStatus => {
    const h = health.get(partition);
    const checkpoint = checkpoints.get(partition);
    const lagMs = lagOf(h, checkpoint, now) ?? null;
    const lagging = maxLagMs !== null && lagMs !== null && lagMs > maxLagMs;
    const frontier = store.frontier(partition);
    const crossed = lagging ? new Date((checkpoint?.getTime() ?? Date.parse(h!.failingSince!)) + maxLagMs).toISOString() : null;
    return {
      partition,
      checkpoint: checkpoint?.toISOString() ?? null,
      lagMs,
      lastRunAt: h?.lastRunAt ?? null,
      result: h?.result ?? null,
      error: h?.error ?? null,
      failingSince: h?.failingSince ?? null,
      laggingSince: lagging ? (h?.laggingSince ?? crossed) : null,
      lagging,
      lateMs: frontier ? observedLateness(frontier, now.getTime()) : null,
      refetchMs: frontier ? refetchDepth(frontier, latenessMs, now.getTime()) : null,
      settledTo: frontier ? new Date(frontier.settledMs).toISOString() : null,
    };
  });
  const pending: Record<string, number> = {};
  for (const entry of store.outbox.list()) for (const p of entry.pending) pending[p.notifier] = (pending[p.notifier] ?? 0) + 1;
  const baselines = await baselineSizes(store, prepared);
  return { stateDir: dir, now: now.toISOString(), maxLagMs, lagging: partitions.some((p) => p.lagging), partitions, outbox: { alerts: store.outbox.size, pending }, quarantined: await quarantineCount(dir), baselines };
}

async function quarantineCount(dir: string): Promise<number> {
  const { QUARANTINE_FILE } = await import('../../state/quarantine.js');
  const text = await readFile(join(dir, QUARANTINE_FILE), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

/** Each enabled firstSeen rule's saved baseline; one saved by an earlier version of the rule counts as nothing (the next check starts afresh). */
type Prepared = Awaited<ReturnType<typeof import('../../config/validate.js').prepareRules>>;

async function baselineSizes(store: StateStore, prepared: Prepared) {
  const { baselineSnapshotSchema } = await import('../../rules/types/first-seen-baseline.js');
  const saved = new Map(store.ruleStates().map(([id, key, snapshot]) => [id, { key, snapshot }]));
  return prepared.ruleSet.rules
    .filter((r) => r.rule.firstSeen)
    .map((r) => {
      const entry = saved.get(r.rule.id);
      const parsed = entry?.key === r.stateKey ? baselineSnapshotSchema.safeParse(entry.snapshot) : undefined;
      const groups = parsed?.success ? parsed.data.groups : [];
      return { rule: r.rule.id, groups: groups.length, values: groups.reduce((n, g) => n + g[4].length, 0) };
    });
}

async function printJson(ctx: CommandContext, report: StatusReport): Promise<void> {
  const out = lineWriter(ctx.io.stdout);
  await out.line(JSON.stringify(report));
  await out.flush();
}

async function printText(ctx: CommandContext, r: StatusReport): Promise<void> {
  const [{ padEnd, displayWidth, sanitize, truncate }, { localTime }, { presentationFrom }, { roughDuration }, { formatDuration }] = await Promise.all([
    import('../../events/text-width.js'),
    import('../../util/local-time.js'),
    import('../../util/locale.js'),
    import('../../rules/builtin/audit-lagging.js'),
    import('../../util/duration.js'),
  ]);
  const { timeZone } = presentationFrom(ctx.io.env, (await ctx.config()).config);
  const at = (iso: string | null) => (iso === null ? '-' : localTime(iso, timeZone));
  const out = lineWriter(ctx.io.stdout);
  const rows = [
    ['PARTITION', 'CHECKPOINT', 'LAG', 'LATE (24H)', 'RE-READS', 'LAST RUN', 'RESULT', 'LAGGING SINCE', 'ERROR'],
    ...r.partitions.map((p) => [
      sanitize(p.partition), at(p.checkpoint), p.lagMs === null ? '-' : `${roughDuration(p.lagMs)}${p.lagging ? ' !' : ''}`,
      p.lateMs === null ? '-' : roughDuration(p.lateMs), p.refetchMs === null ? '-' : roughDuration(p.refetchMs),
      at(p.lastRunAt), p.result ?? '-', at(p.laggingSince), truncate(p.error ?? '-', 200),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => displayWidth(row[c]))));
  if (r.partitions.length === 0) await out.line('no partition has been checked yet (run audit check)');
  else for (const row of rows) await out.line(row.map((cell, c) => (c === row.length - 1 ? cell : padEnd(cell, widths[c]))).join('  '));
  await out.line('');
  const lagging = r.partitions.filter((p) => p.lagging).length;
  await out.line(r.maxLagMs === null ? 'health.maxLag: not set (no audit-lagging alert)' : `health.maxLag: ${formatDuration(r.maxLagMs)}; ${lagging === 0 ? 'no partition lags' : `${lagging} partition${lagging === 1 ? ' lags' : 's lag'} past it (audit-lagging is raised once per spell)`}`);
  const pending = Object.entries(r.outbox.pending).map(([name, n]) => `${sanitize(name)} ${n}`);
  await out.line(`outbox: ${r.outbox.alerts === 0 ? 'empty' : `${r.outbox.alerts} alert${r.outbox.alerts === 1 ? '' : 's'} pending (${pending.join(', ')}; see audit outbox list)`}`);
  await out.line(`quarantine: ${r.quarantined} record${r.quarantined === 1 ? '' : 's'}${r.quarantined ? ` (${join(r.stateDir, 'quarantine.ndjson')})` : ''}`);
  for (const b of r.baselines) await out.line(`baseline ${b.rule}: ${b.groups} group${b.groups === 1 ? '' : 's'}, ${b.values} value${b.values === 1 ? '' : 's'}`);
  await out.flush();
}
