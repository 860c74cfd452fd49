import type { z } from 'zod';
import type { Alert, Severity } from '../rules/model.js';
import type { RetryPolicy } from './retry.js';
import type { Logger } from '../util/logger.js';
import type { Clock } from '../util/clock.js';
import type { Presentation } from '../util/locale.js';

/** Per-alert outcome, so undelivered alerts can stay in the outbox for the next run. */
export interface DeliveryResult {
  alertId: string;
  ok: boolean;
  /**
   * Why it failed, already free of secrets (the outbox stores it in the state file as given):
   * notifiers mask their own and every registered secret (util/secrets.ts) before returning it.
   */
  error?: string;
  /** Set when the alert was not sent on its own but counted in a run's digest message. */
  viaDigest?: boolean;
}

export interface Notifier {
  readonly name: string;
  readonly type: string;
  /** Never throws: a failure is a DeliveryResult with its error, free of secrets. */
  send(alerts: Alert[], signal?: AbortSignal): Promise<DeliveryResult[]>;
  /** Releases what the notifier holds; exec kills every process group it started that is still alive. */
  close?(): Promise<void>;
  /** Alerts below this severity are not sent here (set by createNotifiers from the config). */
  readonly minSeverity?: Severity;
  /** Most messages one run sends here; past it the rest go into one digest. Undefined: unlimited. */
  readonly maxPerRun?: number;
  /** Whether several per-event alerts of one event go out as one message (chat robots, SMS). */
  readonly bundles?: boolean;
  /** The reader's language: digests and bundles made for this notifier are written in it. */
  readonly shown?: Presentation;
}

export interface NotifierContext {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  now: Clock;
  /** Where `stdout` notifiers write; a parameter so tests can capture it. */
  stdout: NodeJS.WritableStream;
  /** Retry tuning; tests inject `sleep` so backoff and Retry-After are checked without waiting. */
  retry?: Partial<RetryPolicy>;
  /** The language and time zone messages are written for (the notifier's own, else the config's). */
  shown: Presentation;
}

export interface NotifierPlugin<O extends z.ZodTypeAny = z.ZodTypeAny> {
  type: string;
  /** Options specific to this type; the common ones (name, type, minSeverity) are added by the registry. */
  options: O;
  create(name: string, options: z.output<O>, ctx: NotifierContext): Notifier;
  /** The `maxPerRun` used when the config gives none (chat robots: 10); undefined means unlimited. */
  defaultMaxPerRun?(options: z.output<O>): number | undefined;
  /** One message per event (several rules listed in it) rather than one per alert; default no. */
  bundles?(options: z.output<O>): boolean;
}

export function defineNotifier<O extends z.ZodTypeAny>(plugin: NotifierPlugin<O>): NotifierPlugin<O> {
  return plugin;
}
