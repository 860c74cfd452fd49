import { Option, type Command } from 'commander';
import { AuditError } from '../../errors.js';
import type { AuditEvent } from '../../events/index.js';
import type { CommandContext } from '../context.js';
import { defineAction, type SetExit } from '../define.js';
import type { CliIO } from '../io.js';
import { parseRange, profileOption, providerOption, resolveOutput } from '../options.js';
import { inputFormat } from './check.js';
import { lineWriter } from '../output.js';

export interface EventsOptions {
  since?: string;
  until?: string;
  input?: string;
  output?: 'text' | 'json' | 'csv';
  name?: string[];
  user?: string;
  accessKey?: string;
  ip?: string;
  errors?: boolean;
  writes?: boolean;
  region?: string[];
  limit?: string;
  profile?: string;
  /** --provider: the record format of every record of --input. */
  provider?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `audit events`: the normalized events of a range, from the API or a recorded file. */
export function registerEventsCommand(program: Command, io: CliIO, setExit: SetExit): void {
  defineAction<EventsOptions>(
    program
      .command('events')
      .description('print the normalized audit events of a time range, from CloudAudit or a recorded file')
      .option('-s, --since <when>', 'start: a duration back from now (30s, 5m, 2h, 1d) or an ISO time (default: 1h; a recorded file is shown whole)')
      .option('-u, --until <when>', 'end: a duration back from now or an ISO time (default: now)')
      .option('-i, --input <path>', 'read recorded events instead of calling the API: a file (JSON, NDJSON, gzip; - for stdin) or a directory of delivered logs, read in time order')
      .addOption(providerOption())
      .option('--name <glob>', 'event name or glob (repeatable); exact names are filtered by the API', collect)
      .option('--user <name>', 'the CAM user name (filtered by the API)')
      .option('--access-key <id>', 'the access key (SecretId) used (filtered by the API)')
      .option('--ip <cidr>', 'source address or CIDR')
      .option('--errors', 'failed calls only')
      .option('--writes', 'writes only (filtered by the API)')
      .option('--region <region>', 'region to list instead of the config\'s (repeatable)', collect)
      .option('--limit <n>', 'stop after this many events (and stop fetching)')
      .addOption(profileOption())
      .addOption(new Option('-o, --output <format>', 'text, json (NDJSON) or csv; default: text in a terminal, json in a pipe').choices(['text', 'json', 'csv']))
      .addHelpText(
        'after',
        `
Examples:
  $ audit events --since 2h
  $ audit events --since 1d --name 'Delete*' --errors
  $ audit events --since 1d --user alice --writes --output csv > alice.csv
  $ audit events --since 7d --access-key AKIDEXAMPLE --limit 20
  $ audit events --since 1d --profile prod --output json | head -1
  $ audit events --since 2026-11-20T00:00:00Z --until 2026-11-21T00:00:00Z --output csv > day.csv
  $ audit events --input examples/events.ndjson --output json | jq -r .name
  $ zcat trail.json.gz | audit events --input - --output json
  $ audit events --input ./AWSLogs --provider aws --name ConsoleLogin

Lines are printed as pages arrive: newest page first (as CloudAudit lists them), each page in
time order, so | head and --limit stop the fetch. To replay a range with check --input, sort it:
  $ audit events --since 1d --output json | jq -c -s 'sort_by(.time)[]' > day.ndjson`,
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
  const output = opts.output ?? resolveOutput(undefined, io.stdout);
  const limit = opts.limit === undefined ? Infinity : Number(opts.limit);
  if (!(Number.isInteger(limit) && limit > 0) && limit !== Infinity) throw new AuditError('E_USAGE', `--limit: expected a whole number above 0, got "${opts.limit}"`);
  const recordFormat = await inputFormat(opts);
  const query = { names: opts.name, user: opts.user, accessKey: opts.accessKey, ip: opts.ip, errors: opts.errors, writes: opts.writes };
  const { queryFilter, pushDown, csvLine, CSV_HEADER } = await import('../../events/query.js');
  const keep = await queryFilter(query);
  const out = lineWriter(io.stdout);
  const started = Date.now();
  const { createSource, eventStream } = await import('../../pipeline.js');
  const narrow = { ...pushDown(query), ...(opts.region?.length ? { regions: opts.region } : {}) };
  const source = await openSource(ctx, opts.input, createSource, narrow, opts.profile, recordFormat);
  const progress = !opts.input && io.stderr.isTTY ? ttyProgress(io.stderr) : undefined;
  const { clean } = await import('../../rules/alert.js');
  // A reader that went away (`| head`) fails the next write with EPIPE: stop fetching at once.
  const readerGone = new AbortController();
  const onStdoutError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') readerGone.abort();
  };
  io.stdout.on('error', onStdoutError);
  const batches = eventStream(source, { start: range.start, end: range.end ?? (opts.input ? undefined : now) }, {
    now: io.now,
    signal: readerGone.signal,
    onProgress: progress?.update,
    onQuarantine: (event, reason) => logger.warn({ event: clean(event.id, 100), reason }, 'event left out: not a sane audit event'),
  });

  // Printed as pages arrive (oldest first within each), so `| head` or --limit stop the fetch.
  const { formatEventHeader, formatEventLine } = await import('../../events/format.js');
  // Text is for people: their zone (the config's, else TZ); JSON and csv stay UTC.
  const { presentationFrom } = await import('../../util/locale.js');
  const { timeZone } = presentationFrom(io.env, opts.input ? undefined : (await ctx.config()).config);
  const format = output === 'json' ? (e: AuditEvent) => JSON.stringify(e) : output === 'csv' ? csvLine : (e: AuditEvent) => formatEventLine(e, { timeZone });
  if (output === 'text') await out.line(formatEventHeader({ timeZone }));
  if (output === 'csv') await out.line(CSV_HEADER.join(','));
  let count = 0;
  try {
    outer: for await (const batch of batches) {
      const shown = (keep ? batch.filter(keep) : batch).sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
      // The status line shows while the next page is awaited; lines must not start after it.
      if (shown.length > 0) progress?.clear();
      for (const event of shown) {
        await out.line(format(event));
        if (++count >= limit) break outer;
      }
      // Each page goes out whole as soon as it is in: the reader sees it now, and a closed pipe shows before the next fetch.
      await out.flush();
      if (out.closed) break;
    }
    await out.flush();
  } catch (err) {
    // The fetch was cut short because nobody reads any more: what `| head` asked for, not a failure.
    if (!readerGone.signal.aborted) throw err;
  } finally {
    io.stdout.off('error', onStdoutError);
    progress?.clear();
    await source.close?.();
  }
  logger.debug({ events: count, apiCalls: source.stats().apiCalls, ms: Date.now() - started }, 'events listed');
  return 0;
}

/** A recorded file needs no config or credentials; the API source needs the whole config valid first. */
async function openSource(
  ctx: CommandContext,
  input: string | undefined,
  createSource: typeof import('../../pipeline.js').createSource,
  narrow: Record<string, unknown>,
  profile: string | undefined,
  format: string | undefined,
) {
  const deps = { logger: ctx.logger, env: ctx.io.env, now: ctx.io.now, stdin: ctx.io.stdin };
  if (input) return createSource({ provider: 'file', path: input, lateness: 0, ...(format ? { format } : {}) }, deps);
  const loaded = await ctx.config();
  // A config that `audit config validate` rejects (rule files, notify names) fails here the same
  // way, before the first API call.
  const { validateEverything } = await import('../../config/validate.js');
  await validateEverything(loaded);
  const { withConfigProfile } = await import('../options.js');
  const { sources } = withConfigProfile(loaded, profile).config;
  // Filters narrow the Tencent listing itself (other sources are filtered here only); --region any API source's.
  const { regions, ...tencentOnly } = narrow as { regions?: string[] } & Record<string, unknown>;
  const narrowed = sources.map((s) => {
    if (s.provider === 'file') return s;
    const withRegions = regions ? { ...s, regions } : s;
    return s.provider === 'tencentcloud' ? { ...withRegions, ...tencentOnly, eventNames: (tencentOnly.eventNames as string[]) ?? s.eventNames } : withRegions;
  });
  return createSource(narrowed, deps);
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
      shown = false;
    },
  };
}
