import * as z from 'zod';
import type { AuditEvent } from '../../events/index.js';
import { sourceCommonFields } from '../common.js';
import { defineSource, type Source } from '../types.js';

export const fileOptions = z
  .strictObject({
    provider: z.literal('file').describe('file: read events from a recorded file instead of a cloud API.'),
    path: z
      .string()
      .min(1)
      .describe('The recorded file, or a directory of delivered log files read in time order (JSON, NDJSON, {"Records":[...]}, gzip or not, any record shape --input reads); - for stdin.'),
    format: z
      .string()
      .min(1)
      .optional()
      .describe('Read every record as this provider\'s (tencentcloud, alibabacloud, aws, or normalized for events this tool wrote), as --provider does. Default: detected per record.'),
    threads: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe('Worker threads that read and judge a large input (--threads): an NDJSON file of 16 MiB or more, or a directory of delivered files; 1 reads on one thread. Default: one per CPU.'),
    parallelFrom: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('NDJSON files of at least this many bytes are split among the threads, and smaller files of a directory this large in all (gzip counting 8 times) are read whole by them (default 16777216).'),
    ...sourceCommonFields,
  })
  .describe('Events from a recorded file, as `--input` reads them: replays past events through the rules.');

/**
 * A recorded file as a one-partition source (`--input`, or `provider: file`). Its events are
 * the past by nature: only an explicit range filters them, and windows are judged as the
 * events stream by, from the first event to the last.
 */
export const fileSource = defineSource({
  provider: 'file',
  options: fileOptions,
  async create(opts, ctx): Promise<Source> {
    const [{ readRecordedBatches }, { requireRecordFormat }] = await Promise.all([import('./index.js'), import('./formats.js')]);
    // A format the registry does not have fails here, before anything is read.
    if (opts.format !== undefined) requireRecordFormat(opts.format, 'source.format', 'E_CONFIG');
    const io = { stdin: ctx.stdin ?? process.stdin, warn: (msg: string) => ctx.logger.warn(msg), skipped: ctx.skipped, format: opts.format };
    return {
      replay: true,
      partitions: () => [`file:${opts.path}`],
      stats: () => ({ apiCalls: 0, retries: 0 }),
      async *fetch(_partition, range, options): AsyncIterable<AuditEvent[]> {
        // Compared as text: normalized times are all ISO-8601 UTC with milliseconds, so order is text order.
        const start = range.start.toISOString();
        const end = range.end.toISOString();
        const parallel = { judge: options?.judge, threads: opts.threads, minBytes: opts.parallelFrom, debug: (msg: string) => ctx.logger.debug(msg) };
        for await (const batch of readRecordedBatches(opts.path, { ...io, parallel })) {
          let keep = true;
          for (const e of batch) if (e.time < start || e.time > end) keep = false;
          if (keep) yield batch;
          else {
            const kept = batch.filter((e) => e.time >= start && e.time <= end);
            if (kept.length > 0) yield kept;
          }
        }
      },
    };
  },
});
