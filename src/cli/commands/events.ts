import type { AuditEvent } from '../../events/index.js';
import type { CommandContext } from '../context.js';
import { lineWriter } from '../output.js';
import { parseRange, resolveOutput } from './range.js';
import { openEventStream } from '../../pipeline.js';

interface EventsOptions {
  since?: string;
  until?: string;
  input?: string;
  output?: string;
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
  const stream = await openEventStream(ctx, { input: opts.input, range: { start: range.start, end: range.end ?? (opts.input ? undefined : now) } });

  let count = 0;
  if (output === 'json') {
    outer: for await (const batch of stream.batches) {
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
    for await (const batch of stream.batches) for (const event of batch) all.push(event);
    all.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    await out.line(formatEventHeader());
    for (const event of all) {
      await out.line(formatEventLine(event));
      if (out.closed) break;
    }
    count = all.length;
  }
  await out.flush();
  stream.done();
  logger.debug({ events: count, apiCalls: stream.stats().apiCalls, ms: Date.now() - started }, 'events listed');
  return 0;
}
