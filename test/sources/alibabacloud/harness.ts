import { Writable } from 'node:stream';
import type { AuditEvent } from '../../../src/events/index.js';
import type { FetchOptions, Source, TimeRange } from '../../../src/sources/types.js';
import { alibabacloudSource, type AlibabaSourceContext } from '../../../src/sources/alibabacloud/index.js';
import { createLogger } from '../../../src/util/logger.js';
import {
  startActionTrailEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  type ActionTrailEmulator,
  type ActionTrailEmulatorOptions,
} from '../../helpers/actiontrail-emulator/index.js';

/** Log lines the source wrote, parsed, plus the raw text for "no secret anywhere" checks. */
export class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
  lines(): Record<string, any>[] {
    return this.text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }
}

export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

export const T0 = new Date('2026-11-20T00:00:00Z');
export const at = (ms: number) => new Date(T0.getTime() + ms);
export const HOUR = 3_600_000;
export const hour = { start: T0, end: at(HOUR) };

export interface AlibabaHarness {
  emu: ActionTrailEmulator;
  source: Source;
  logs: LogCapture;
  fetchAll(range: TimeRange, partition?: string, options?: FetchOptions): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

/**
 * The real source and the real Alibaba client against a local emulator, over HTTP. Credentials are
 * explicit and retries near-instant; the source's clock is an hour after T0 unless `now` is given,
 * and the emulator's is the real one (it checks x-acs-date against it). `config` overrides the
 * `source:` block.
 */
export async function alibabaHarness(
  config: Record<string, unknown> = {},
  emuOptions: ActionTrailEmulatorOptions = {},
  ctx: { env?: NodeJS.ProcessEnv; concurrency?: number; now?: () => Date } = {},
): Promise<AlibabaHarness> {
  const emu = await startActionTrailEmulator(emuOptions);
  const logs = new LogCapture();
  const opts = alibabacloudSource.options.parse({
    provider: 'alibabacloud',
    endpoint: emu.url,
    stsEndpoint: emu.url,
    credentials: { accessKeyId: TEST_ACCESS_KEY_ID, accessKeySecret: TEST_ACCESS_KEY_SECRET },
    ...config,
  });
  const sourceCtx: AlibabaSourceContext = {
    logger: createLogger('debug', logs),
    env: ctx.env ?? {},
    now: ctx.now ?? (() => at(HOUR)),
    retryDelays: { minMs: 1, maxMs: 5 },
    concurrency: ctx.concurrency,
  };
  let source: Source;
  try {
    source = await alibabacloudSource.create(opts, sourceCtx);
  } catch (err) {
    await emu.close();
    throw err;
  }
  const fetchAll = async (range: TimeRange, partition = source.partitions()[0], options?: FetchOptions) => {
    const out: AuditEvent[] = [];
    for await (const batch of source.fetch(partition, range, options)) out.push(...batch);
    return out;
  };
  const close = async () => {
    await source.close?.();
    await emu.close();
  };
  return { emu, source, logs, fetchAll, close };
}
