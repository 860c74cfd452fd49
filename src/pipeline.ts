import type { AuditEvent } from './events/index.js';
import type { Source, SourceStats } from './sources/types.js';
import type { CommandContext } from './cli/context.js';

/**
 * Wires the stages together: source (API or recorded file) → normalized events. `audit check`
 * adds rules, state and notifiers on top (src/check/).
 */
export interface EventStream {
  /** Oldest first within each partition, in batches. */
  batches: AsyncIterable<AuditEvent[]>;
  stats(): SourceStats;
  done(): void;
}

export interface StreamRequest {
  input?: string;
  range: { start?: Date; end?: Date };
}

/** Events of a range from a recorded file (no config or credentials needed) or from the configured source. */
export async function openEventStream(ctx: CommandContext, req: StreamRequest): Promise<EventStream> {
  if (req.input) {
    const { fileSource } = await import('./check/file-source.js');
    const file = fileSource(req.input, { since: req.range.start, until: req.range.end }, { stdin: ctx.io.stdin, warn: (msg) => ctx.logger.warn(msg) });
    return { batches: file.fetch(), stats: file.stats, done: () => {} };
  }
  const loaded = await ctx.config();
  // A config that `audit config validate` rejects (rule files, notify names) fails here the same
  // way, before the first API call.
  const { validateEverything } = await import('./config/validate.js');
  await validateEverything(loaded);
  const source = await createSource(ctx, loaded.config.source);
  const range = { start: req.range.start!, end: req.range.end! };
  const progress = ctx.io.stderr.isTTY ? ttyProgress(ctx.io.stderr) : undefined;
  async function* all() {
    for (const partition of source.partitions()) {
      yield* source.fetch(partition, range, { onProgress: progress?.update });
    }
  }
  return { batches: all(), stats: () => source.stats(), done: () => progress?.clear() };
}

export async function createSource(ctx: CommandContext, options: any): Promise<Source> {
  const { sourcePlugins } = await import('./sources/index.js');
  const plugin = sourcePlugins[options.provider as keyof typeof sourcePlugins];
  return plugin.create(options, { logger: ctx.logger, env: ctx.io.env, now: ctx.io.now });
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
