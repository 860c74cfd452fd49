import type { z } from 'zod';
import type { Alert } from '../rules/types.js';
import type { Logger } from '../util/logger.js';
import type { Clock } from '../util/clock.js';

/** Per-alert outcome, so undelivered alerts can stay in the outbox for the next run. */
export interface DeliveryResult {
  alertId: string;
  ok: boolean;
  /** Why it failed, already free of secrets. */
  error?: string;
}

export interface Notifier {
  readonly name: string;
  readonly type: string;
  send(alerts: Alert[], signal?: AbortSignal): Promise<DeliveryResult[]>;
  close?(): Promise<void>;
}

export interface NotifierContext {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  now: Clock;
  /** Where `stdout` notifiers write; a parameter so tests can capture it. */
  stdout: NodeJS.WritableStream;
}

export interface NotifierPlugin<O extends z.ZodTypeAny = z.ZodTypeAny> {
  type: string;
  /** Options specific to this type; the common ones (name, type, minSeverity) are added by the registry. */
  options: O;
  create(name: string, options: z.output<O>, ctx: NotifierContext): Notifier;
}

export function defineNotifier<O extends z.ZodTypeAny>(plugin: NotifierPlugin<O>): NotifierPlugin<O> {
  return plugin;
}
