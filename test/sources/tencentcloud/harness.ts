import { Writable } from 'node:stream';
import type { AuditEvent } from '../../../src/events/index.js';
import type { FetchOptions, Source, TimeRange } from '../../../src/sources/types.js';
import { tencentcloudSource, type TencentSourceContext } from '../../../src/sources/tencentcloud/index.js';
import { newSessionCache } from '../../../src/sources/tencentcloud/role-credentials.js';
import { createLogger } from '../../../src/util/logger.js';
import { startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY, type Emulator, type EmulatorOptions } from '../../helpers/emulator/index.js';

export const T0 = new Date('2026-11-20T00:00:00Z');
export const at = (ms: number) => new Date(T0.getTime() + ms);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

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

export interface Harness {
  emu: Emulator;
  source: Source;
  logs: LogCapture;
  fetchAll(range: TimeRange, partition?: string, options?: FetchOptions): Promise<AuditEvent[]>;
}

/**
 * The real source and the real SDK against a local emulator. Credentials are always explicit
 * and retries near-instant; `config` overrides the `source:` block.
 */
export async function harness(
  config: Record<string, unknown> = {},
  emuOptions: EmulatorOptions = {},
  ctx: { env?: NodeJS.ProcessEnv; concurrency?: number; now?: () => Date } = {},
): Promise<Harness> {
  const emu = await startEmulator(emuOptions);
  const logs = new LogCapture();
  const opts = tencentcloudSource.options.parse({
    provider: 'tencentcloud',
    endpoint: emu.url,
    credentials: { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY },
    maxRequestsPerSecond: 20,
    ...config,
  });
  // The extra knobs travel on the context object; the plugin contract only names the common ones.
  const sourceCtx: TencentSourceContext = {
    logger: createLogger('debug', logs),
    env: ctx.env ?? {},
    now: ctx.now ?? (() => new Date()),
    retryDelays: { minMs: 1, maxMs: 5 },
    concurrency: ctx.concurrency,
    // Its own STS answers: an emulator of an earlier test may have had this port.
    sessions: newSessionCache(),
  };
  const source = await tencentcloudSource.create(opts, sourceCtx);
  const fetchAll = async (range: TimeRange, partition = source.partitions()[0], options?: FetchOptions) => {
    const out: AuditEvent[] = [];
    for await (const batch of source.fetch(partition, range, options)) out.push(...batch);
    return out;
  };
  return { emu, source, logs, fetchAll };
}

export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
