import * as z from 'zod';
import { boundedDuration } from '../util/duration-schema.js';
import { MAX_TIMEOUT_MS } from '../util/duration.js';
import { fileOptions } from '../sources/file/source.js';
import { tencentcloudOptions } from '../sources/tencentcloud/options.js';
import { rulesConfigSchema } from '../rules/config.js';
import { notifiersConfigSchema } from '../notifiers/config.js';
import { localeSchema, timeZoneSchema } from '../util/locale.js';

/** A union on `provider`; an object without `provider` means Tencent Cloud, as it always did. */
const sourceSchema = z.preprocess(
  (value) => (value && typeof value === 'object' && !('provider' in value) ? { provider: 'tencentcloud', ...value } : value),
  z.discriminatedUnion('provider', [tencentcloudOptions, fileOptions]),
);

const stateSchema = z.strictObject({
  /** Default $XDG_STATE_HOME/audit-watch; either way one subdirectory per config file is used below it. */
  dir: z.string().min(1).optional(),
});

const deliverySchema = z.strictObject({
  /** How long a run may spend delivering, so a cron run never overlaps the next; what is left waits in the outbox. */
  budget: boundedDuration({ min: 1_000, max: MAX_TIMEOUT_MS }).default(30_000),
});

/** The whole config file. The single source of truth: validation, types and `audit config schema`. */
export const configSchema = z.strictObject({
  source: sourceSchema.prefault({ provider: 'tencentcloud' }),
  /** Absent: the recommended pack. An empty list is valid: nothing alerts. */
  rules: rulesConfigSchema,
  /** Absent: one text stdout notifier named `console`. */
  notifiers: notifiersConfigSchema,
  state: stateSchema.prefault({}),
  delivery: deliverySchema.prefault({}),
  locale: localeSchema.optional(),
  timezone: timeZoneSchema.optional(),
});

export type Config = z.output<typeof configSchema>;
export type SourceConfig = Config['source'];
