import type { Command } from 'commander';
import { AuditError } from '../../errors.js';
import type { LoadedConfig } from '../../config/index.js';
import type { StateStore } from '../../state/index.js';
import type { CommandContext } from '../context.js';
import { defineAction, type SetExit } from '../define.js';
import type { CliIO } from '../io.js';
import { outputOption, resolveOutput } from '../options.js';
import { lineWriter } from '../output.js';

export interface OutboxOptions {
  output?: 'text' | 'json';
}

/** `audit outbox list|retry|drop`: what is still to be delivered, and what to do about it. */
export function registerOutboxCommands(program: Command, io: CliIO, setExit: SetExit): void {
  const outbox = program
    .command('outbox')
    .description('see, retry or drop alerts not yet delivered to every notifier')
    .addHelpText('after', '\nExamples:\n  $ audit outbox list\n  $ audit outbox retry\n  $ audit outbox drop old-dingtalk');
  defineAction<OutboxOptions>(
    outbox.command('list').description('each pending delivery: alert, rule, notifier, attempts, since when and why').addOption(outputOption()),
    io,
    setExit,
    (ctx, opts) => withState(ctx, false, (store) => outboxList(store, ctx, resolveOutput(opts.output, ctx.io.stdout))),
  );
  defineAction(
    outbox.command('retry').description('deliver now: every pending alert, or the ones named').argument('[ids...]', 'alert ids (default: all)'),
    io,
    setExit,
    (ctx, _opts, ids) => withState(ctx, true, (store, loaded) => outboxRetry(store, loaded, ctx, ids)),
  );
  defineAction(
    outbox
      .command('drop')
      .description('give up deliberately: a notifier name drops its pending deliveries, an alert id the whole alert')
      .argument('<targets...>', 'notifier names or alert ids'),
    io,
    setExit,
    (ctx, _opts, targets) => withState(ctx, true, (store) => outboxDrop(store, ctx, targets)),
  );
}

/** Opens the config's state; under the lock when it will be written. */
async function withState(ctx: CommandContext, write: boolean, body: (store: StateStore, loaded: LoadedConfig) => Promise<number>): Promise<number> {
  const loaded = await ctx.config();
  const [{ resolveStateDir }, backend] = await Promise.all([import('../../state/index.js'), import('../../state/backend.js')]);
  const dir = resolveStateDir({ configuredDir: loaded.config.state.dir, configPath: loaded.path, env: ctx.io.env, cwd: ctx.io.cwd });
  return backend.withState(loaded.config.state, { dir, logger: ctx.logger, now: ctx.io.now }, write, (store) => body(store, loaded));
}

async function outboxList(store: StateStore, ctx: CommandContext, output: 'text' | 'json'): Promise<number> {
  const out = lineWriter(ctx.io.stdout);
  const entries = store.outbox.list();
  if (output === 'json') {
    for (const { alert, addedAt, pending } of entries) {
      await out.line(JSON.stringify({ id: alert.id, time: alert.time, rule: alert.rule, summary: alert.summary, addedAt, pending }));
    }
  } else {
    const { sanitize } = await import('../../events/text-width.js');
    const rows = [['ALERT', 'RULE', 'SEVERITY', 'NOTIFIER', 'ATTEMPTS', 'SINCE', 'LAST ERROR']];
    for (const { alert, addedAt, pending } of entries) {
      for (const p of pending) rows.push([alert.id.slice(0, 12), alert.rule.id, alert.rule.severity, p.notifier, String(p.attempts), addedAt.slice(0, 19) + 'Z', sanitize(p.lastError ?? '-').slice(0, 80)]);
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const row of rows) await out.line(row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  '));
    if (entries.length === 0) await out.line('(the outbox is empty: every alert was delivered)');
  }
  await out.flush();
  return 0;
}

async function outboxRetry(store: StateStore, loaded: LoadedConfig, ctx: CommandContext, ids: string[]): Promise<number> {
  const known = new Set(store.outbox.list().map((e) => e.alert.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) throw new AuditError('E_USAGE', `not in the outbox: ${unknown.join(', ')} (see audit outbox list)`);
  const { createNotifiers, closeNotifiers, deliverOutbox } = await import('../../notifiers/index.js');
  const notifiers = createNotifiers(loaded.config.notifiers, { logger: ctx.logger, env: ctx.io.env, now: ctx.io.now, stdout: ctx.io.stdout, shown: (await import('../../util/locale.js')).presentationFrom(ctx.io.env, loaded.config) });
  try {
    const { delivered, pending } = await deliverOutbox(store.outbox, notifiers, ctx.logger, {
      budgetMs: loaded.config.delivery.budget,
      only: ids.length ? new Set(ids) : undefined,
      onDelivered: (id, notifier) => store.journalDelivered(id, notifier),
    });
    await store.save();
    ctx.io.stdout.write(`delivered ${delivered}, still pending ${pending}\n`);
    return pending > 0 ? 1 : 0;
  } finally {
    await closeNotifiers(notifiers);
  }
}

async function outboxDrop(store: StateStore, ctx: CommandContext, targets: string[]): Promise<number> {
  const entries = store.outbox.list();
  let dropped = 0;
  const missing: string[] = [];
  for (const target of targets) {
    if (store.outbox.remove(target)) {
      dropped++;
      continue;
    }
    const holding = entries.filter((e) => e.pending.some((p) => p.notifier === target));
    for (const e of holding) store.outbox.markDelivered(e.alert.id, target);
    if (holding.length === 0) missing.push(target);
    dropped += holding.length;
  }
  if (missing.length) throw new AuditError('E_USAGE', `nothing pending for ${missing.join(', ')} (not an alert id or a notifier with pending deliveries; see audit outbox list)`);
  await store.save();
  ctx.io.stdout.write(`dropped ${dropped} pending deliver${dropped === 1 ? 'y' : 'ies'}\n`);
  return 0;
}
