import type { Command } from 'commander';
import type { AuditEvent } from '../../events/index.js';
import type { CommandContext } from '../context.js';
import { defineAction, type SetExit } from '../define.js';
import type { CliIO } from '../io.js';
import { outputOption, parseRange, resolveOutput } from '../options.js';
import { lineWriter } from '../output.js';

export interface EventsOptions {
  since?: string;
  until?: string;
  input?: string;
  output?: 'text' | 'json';
}

/** `audit events`: the normalized events of a range, from the API or a recorded file. */
export function registerEventsCommand(program: Command, io: CliIO, setExit: SetExit): void {
  defineAction<EventsOptions>(
    program
      .command('events')
      .description('print the normalized audit events of a time range, from CloudAudit or a recorded file')
      .option('-s, --since <when>', 'start: a duration back from now (30s, 5m, 2h, 1d) or an ISO time (default: 1h; a recorded file is shown whole)')
      .option('-u, --until <when>', 'end: a duration back from now or an ISO time (default: now)')
      .option('-i, --input <file>', 'read recorded events (JSON, NDJSON, gzip; - for stdin) instead of calling the API')
      .addOption(outputOption())
      .addHelpText(
        'after',
        `
Examples:
  $ audit events --since 2h
  $ audit events --since 2026-11-20T00:00:00Z --until 2026-11-21T00:00:00Z --output json > day.ndjson
  $ audit events --input examples/events.ndjson --output json | jq -r .name
  $ zcat trail.json.gz | audit events --input - --output json`,
      ),
    io,
    setExit,
    runEvents,
  );
}

/** `audit events`: stream normalized events to stdout, as NDJSON or aligned text. */
export async function runEvents(ctx: CommandContext, opts: EventsOptions): Promise<number> {
  const { io, logger } = ctx;
  const now = io.now();
  // A recorded file is shown whole unless the user asks for a range; the API defaults to the last hour.
  const range = parseRange(opts.since ?? (opts.input ? undefined : '1h'), opts.until, now);
  const output = resolveOutput(opts.output, io.stdout);
  const out = lineWriter(io.stdout);
  const started = Date.now();
  const { createSource, eventStream } = await import('../../pipeline.js');
  const source = await openSource(ctx, opts.input, createSource);
  const progress = !opts.input && io.stderr.isTTY ? ttyProgress(io.stderr) : undefined;
  const { clean } = await import('../../rules/alert.js');
  const batches = eventStream(source, { start: range.start, end: range.end ?? (opts.input ? undefined : now) }, {
    now: io.now,
    onProgress: progress?.update,
    onQuarantine: (event, reason) => logger.warn({ event: clean(event.id, 100), reason }, 'event left out: not a sane audit event'),
  });

  let count = 0;
  if (output === 'json') {
    outer: for await (const batch of batches) {
      for (const event of batch) {
        await out.line(JSON.stringify(event));
        count++;
        if (out.closed) break outer;
      }
    }
  } else {
    // Text is for people: buffer and sort oldest first, the order a person reads a log in.
    const { formatEventHeader, formatEventLine } = await import('../../events/format.js');
    const all: AuditEvent[] = [];
    for await (const batch of batches) for (const event of batch) all.push(event);
    all.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    await out.line(formatEventHeader());
    for (const event of all) {
      await out.line(formatEventLine(event));
      if (out.closed) break;
    }
    count = all.length;
  }
  await out.flush();
  progress?.clear();
  await source.close?.();
  logger.debug({ events: count, apiCalls: source.stats().apiCalls, ms: Date.now() - started }, 'events listed');
  return 0;
}

/** A recorded file needs no config or credentials; the API source needs the whole config valid first. */
async function openSource(ctx: CommandContext, input: string | undefined, createSource: typeof import('../../pipeline.js').createSource) {
  const deps = { logger: ctx.logger, env: ctx.io.env, now: ctx.io.now, stdin: ctx.io.stdin };
  if (input) return createSource({ provider: 'file', path: input, lateness: 0 }, deps);
  const loaded = await ctx.config();
  // A config that `audit config validate` rejects (rule files, notify names) fails here the same
  // way, before the first API call.
  const { validateEverything } = await import('../../config/validate.js');
  await validateEverything(loaded);
  return createSource(loaded.config.source, deps);
}

/** One self-overwriting status line on stderr while pages arrive; only in a terminal. */
function ttyProgress(stderr: NodeJS.WritableStream) {
  let shown = false;
  return {
    update: (p: { partition: string; pages: number; events: number }) => {
      shown = true;
      stderr.write(`\r\x1b[2K${p.partition}: ${p.pages} pages, ${p.events} events`);
    },
    clear: () => {
      if (shown) stderr.write('\r\x1b[2K');
    },
  };
}
