import type { z } from 'zod';
import type { AuditEvent } from '../events/index.js';
import type { Logger } from '../util/logger.js';
import type { Clock } from '../util/clock.js';

export interface TimeRange {
  start: Date;
  end: Date;
}

export interface FetchOptions {
  signal?: AbortSignal;
  /** Called after each page, for progress output in a TTY. */
  onProgress?: (p: { partition: string; pages: number; events: number }) => void;
}

export interface SourceStats {
  apiCalls: number;
  retries: number;
}

/**
 * A source fetches normalized events. A partition (e.g. `tencentcloud/ap-guangzhou`) is the
 * unit a checkpoint is kept for, so one failing region does not hold back the others.
 */
export interface Source {
  partitions(): string[];
  /**
   * The range's events oldest first, in batches (a page, a slice, a chunk of a file): handing
   * over one event per await costs more than the rule engine on replays of millions.
   */
  fetch(partition: string, range: TimeRange, options?: FetchOptions): AsyncIterable<AuditEvent[]>;
  stats(): SourceStats;
  close?(): Promise<void>;
}

export interface SourceContext {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  now: Clock;
}

export interface SourcePlugin<O extends z.ZodTypeAny = z.ZodTypeAny> {
  provider: string;
  options: O;
  /** Loaded lazily by the caller: the SDK is only imported when a source is really created. */
  create(options: z.output<O>, ctx: SourceContext): Promise<Source>;
}

export function defineSource<O extends z.ZodTypeAny>(plugin: SourcePlugin<O>): SourcePlugin<O> {
  return plugin;
}
