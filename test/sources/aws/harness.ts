import { Writable } from 'node:stream';
import type { AuditEvent } from '../../../src/events/index.js';
import type { FetchOptions, Source, TimeRange } from '../../../src/sources/types.js';
import { awsSource, type AwsSourceContext } from '../../../src/sources/aws/index.js';
import { createLogger } from '../../../src/util/logger.js';
import {
  startCloudTrailEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_SECRET_ACCESS_KEY,
  type CloudTrailEmulator,
  type CloudTrailEmulatorOptions,
} from '../../helpers/cloudtrail-emulator/index.js';

export const T0 = new Date('2026-11-20T00:00:00Z');
export const at = (ms: number) => new Date(T0.getTime() + ms);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const KEYS = { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY };

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

export interface Harness {
  emu: CloudTrailEmulator;
  source: Source;
  logs: LogCapture;
  fetchAll(range: TimeRange, partition?: string, options?: FetchOptions): Promise<AuditEvent[]>;
}

/** The `source:` block as a user writes it, parsed by the plugin's own schema. */
export function parseOptions(config: Record<string, unknown>) {
  return awsSource.options.parse({ provider: 'aws', ...config });
}

/**
 * The real source and the real SDK against a local emulator. Credentials are explicit, retries
 * near-instant, and the request rate raised past CloudTrail's 2/s (which the schema enforces)
 * unless the test sets maxRequestsPerSecond itself, so paging tests do not wait on the quota.
 */
export async function harness(
  config: Record<string, unknown> = {},
  emuOptions: CloudTrailEmulatorOptions = {},
  ctx: { env?: NodeJS.ProcessEnv; concurrency?: number; emu?: CloudTrailEmulator } = {},
): Promise<Harness> {
  const emu = ctx.emu ?? (await startCloudTrailEmulator(emuOptions));
  const logs = new LogCapture();
  const opts = parseOptions({ endpoint: emu.url, credentials: KEYS, account: '123456789012', ...config });
  if (config.maxRequestsPerSecond === undefined) opts.maxRequestsPerSecond = 50;
  const sourceCtx: AwsSourceContext = {
    logger: createLogger('debug', logs),
    env: ctx.env ?? {},
    now: () => new Date(),
    retryDelays: { minMs: 1, maxMs: 5 },
    concurrency: ctx.concurrency,
  };
  try {
    const source = await awsSource.create(opts, sourceCtx);
    const fetchAll = async (range: TimeRange, partition = source.partitions()[0], options?: FetchOptions) => {
      const out: AuditEvent[] = [];
      for await (const batch of source.fetch(partition, range, options)) out.push(...batch);
      return out;
    };
    return { emu, source, logs, fetchAll };
  } catch (err) {
    if (!ctx.emu) await emu.close();
    throw Object.assign(err as Error, { logs });
  }
}
