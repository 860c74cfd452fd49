import { createNotifiers, notifierConfigSchema, type Notifier, type NotifierContext } from '../../src/notifiers/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { capture, recordingSleep } from './alerts.js';

export const NOW = new Date('2026-11-20T03:05:00Z');

/** One notifier from a raw config entry, validated the way the config loader does. */
export function build(entry: Record<string, unknown>, ctx: Partial<NotifierContext> = {}) {
  const rec = recordingSleep();
  const stdout = capture();
  const context: NotifierContext = {
    logger: silentLogger(),
    env: {},
    now: () => NOW,
    stdout,
    shown: { locale: 'en', timeZone: 'UTC' },
    ...ctx,
    retry: { sleep: rec.sleep, ...ctx.retry },
  };
  const [notifier] = createNotifiers([notifierConfigSchema.parse({ name: 'n', ...entry })], context);
  return { notifier: notifier as Notifier, delays: rec.delays, stdout };
}
