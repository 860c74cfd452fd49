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
  /**
   * `time` (default): the range oldest first, what checkpoints and windows need. `arrival`
   * (`audit events`): each page as soon as it comes, in time order within the page, and the
   * next one fetched only when the reader asks, so a reader that stops early stops the fetch;
   * an API that lists newest first gives pages newest first. A file already streams in order.
   */
  order?: 'time' | 'arrival';
  /**
   * The run's rules, for a source that can judge events ahead of the engine (a large recorded
   * file, on worker threads: sources/file/parallel/); absent when events must reach the engine
   * unjudged (an enrichment stage first).
   */
  judge?: { ruleSet: import('../rules/compile.js').RuleSet; nowMs: number; everyMatch: boolean };
}

export interface StreamProgress {
  /** `kafka/<topic>/<partition>`: its watermark is kept in the state under this name. */
  name: string;
  latestMs?: number;
  caughtUp: boolean;
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
  /**
   * A recording of the past (a file): no checkpoint range applies, only an explicit one, and
   * windows are judged as its events stream by rather than up to now.
   */
  readonly replay?: boolean;
  /**
   * A stream (Kafka): fetch yields what was not consumed before, whatever the range, so every
   * event not seen yet is the run's own however old; where reading stands is kept by the stream.
   */
  readonly stream?: boolean;
  partitions(): string[];
  /**
   * The range's events oldest first (unless `order: 'arrival'`), in batches (a page, a slice, a
   * chunk of a file): handing over one event per await costs more than the rule engine on
   * replays of millions.
   */
  fetch(partition: string, range: TimeRange, options?: FetchOptions): AsyncIterable<AuditEvent[]>;
  stats(): SourceStats;
  close?(): Promise<void>;
  /** Called once the run's state is saved: a stream acknowledges what it handed over (Kafka offsets), so a crash before re-reads. */
  commit?(): Promise<void>;
  /**
   * A stream's own partitions (Kafka's), after fetch: the latest event time this run read from
   * each and whether it caught up with it. Windows are judged up to the earliest partition not
   * caught up (state/watermark.ts), so a partition that lags, here or at another worker, is
   * never judged without.
   */
  progress?(): StreamProgress[];
  /**
   * The name an earlier version kept this partition's checkpoint under (`tencentcloud/ap-guangzhou`
   * before accounts were part of it), so an upgrade neither re-reads nor skips anything.
   */
  previousName?(partition: string): string | undefined;
}

export interface SourceContext {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  now: Clock;
  /** What a file source reads for `-`. */
  stdin?: NodeJS.ReadableStream;
  /** A record the source could not read or normalize, set aside (after its warning) rather than fatal. */
  skipped?: (reason: string) => void;
}

/** The widest range a file source is asked for: every time an ISO-8601 text can hold, in text order too. */
export const ALL_TIME: TimeRange = { start: new Date(0), end: new Date(253_402_300_799_999) };

export interface SourcePlugin<O extends z.ZodTypeAny = z.ZodTypeAny> {
  provider: string;
  options: O;
  /** Its sources are streams (Source.stream): known before one is opened, for how a watcher holds the state. */
  stream?: boolean;
  /** Loaded lazily by the caller: the SDK is only imported when a source is really created. */
  create(options: z.output<O>, ctx: SourceContext): Promise<Source>;
}

export function defineSource<O extends z.ZodTypeAny>(plugin: SourcePlugin<O>): SourcePlugin<O> {
  return plugin;
}
