import * as z from 'zod';
import { boundedDuration } from '../util/duration-schema.js';
import { DAY_MS, MAX_TIMEOUT_MS, MINUTE_MS } from '../util/duration.js';
import { fileOptions } from '../sources/file/source.js';
import { tencentcloudOptions } from '../sources/tencentcloud/options.js';
import { alibabacloudOptions } from '../sources/alibabacloud/options.js';
import { awsOptions } from '../sources/aws/options.js';
import { kafkaOptions } from '../sources/kafka/options.js';
import { rulesConfigSchema } from '../rules/config.js';
import { notifiersConfigSchema } from '../notifiers/config.js';
import { localeSchema, timeZoneSchema } from '../util/locale-schema.js';

/** A union on `provider`; an object without `provider` means Tencent Cloud, as it always did. */
const sourceSchema = z.preprocess(
  (value) => (value && typeof value === 'object' && !('provider' in value) ? { provider: 'tencentcloud', ...value } : value),
  z.discriminatedUnion('provider', [tencentcloudOptions, alibabacloudOptions, awsOptions, fileOptions, kafkaOptions]),
);

const DEFAULT_SOURCE = sourceSchema.parse({ provider: 'tencentcloud' });

const leaseDuration = boundedDuration({ min: 5_000, max: 10 * MINUTE_MS });

const stateSchema = z
  .strictObject({
  backend: z
    .enum(['file', 'redis'])
    .default('file')
    .describe('Where the state lives: file (one state.json in state.dir, a lock directory beside it) or redis (shared by every machine running this config, with a lease instead of the lock, for active/standby failover). Default file.'),
  url: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'expected a redis:// or rediss:// (TLS) URL')
    .optional()
    .describe('With backend: redis, the server, e.g. redis://:${REDIS_PASSWORD}@10.0.0.5:6379/0; rediss:// for TLS; ${VAR} allowed. The password is masked in every log line and error.'),
  prefix: z
    .string()
    .min(1)
    .default('audit:')
    .describe('With backend: redis, the prefix of every key, so several configs can share one Redis (e.g. audit:prod:). Default audit:.'),
  lease: leaseDuration
    .default(30_000)
    .describe(`With backend: redis, how long a run's lease lives without renewal (renewed every third of it): a standby takes over within this after the active watcher dies. Default 30s. ${leaseDuration.description}`),
  dir: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Directory for checkpoints, raised alerts, window history and the outbox (state.json); one subdirectory per config file is used below it. Default: $XDG_STATE_HOME/audit-watch.',
    ),
})
  .superRefine((s, ctx) => {
    if (s.backend === 'redis' && !s.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'backend: redis needs a url (redis://host:6379/0)' });
  });

const enrichSchema = z.strictObject({
  geoip: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Path to a MaxMind-format city database (.mmdb: GeoLite2/GeoIP2 City, or an ip-location-db build), relative to the config file; ${VAR} allowed. Each event then gains geo {country, region, city, lat, lon} for its sourceIp, rules can use geo.*, and the impossible-travel built-in is enabled. Default: no enrichment.',
    ),
});

const budgetDuration = boundedDuration({ min: 1_000, max: MAX_TIMEOUT_MS });

const maxLagDuration = boundedDuration({ min: MINUTE_MS, max: 30 * DAY_MS });

const healthSchema = z.strictObject({
  maxLag: maxLagDuration
    .optional()
    .describe(
      `Raise the built-in audit-lagging alert (once per spell, through the notifiers) when a partition's checkpoint falls this far behind now, e.g. because the API keeps failing or the credentials expired; audit status exits 1 then. Default: off. ${maxLagDuration.description}`,
    ),
});

const deliverySchema = z.strictObject({
  budget: budgetDuration
    .default(30_000)
    .describe(
      `How long a run may spend delivering alerts, so a cron run never overlaps the next; what is left waits in the outbox for the next run. Default 30s. ${budgetDuration.description}`,
    ),
});

/** The whole config file. The single source of truth: validation, types and `audit config schema`. */
export const configSchema = z
  .strictObject({
  source: sourceSchema
    .optional()
    .describe('One source of events, the same as a `sources` list of one: Tencent CloudAudit (the default, provider may be omitted) or a recorded file (provider: file).'),
  sources: z
    .array(sourceSchema)
    .min(1)
    .optional()
    .describe('Every trail to watch, each with its own checkpoints per partition (provider/account/region). Default: Tencent CloudAudit in ap-guangzhou.'),
  rules: rulesConfigSchema,
  notifiers: notifiersConfigSchema,
  enrich: enrichSchema.optional().describe('What events gain before the rules see them: geo for the source address (enrich.geoip).'),
  state: stateSchema.prefault({}).describe('Where the state between runs is kept.'),
  delivery: deliverySchema.prefault({}).describe('Limits on delivering alerts in one run.'),
  health: healthSchema.prefault({}).describe('Watching the watcher: when to alert that the checks themselves fall behind.'),
  locale: localeSchema.optional(),
  timezone: timeZoneSchema.optional(),
})
  .superRefine((c, ctx) => {
    if (c.source && c.sources) ctx.addIssue({ code: 'custom', path: ['sources'], message: 'give either source or sources, not both' });
    const list = c.sources ?? [];
    if (list.length > 1 && list.some((s) => s.provider === 'file')) {
      ctx.addIssue({ code: 'custom', path: ['sources'], message: 'a recorded file (provider: file) is replayed on its own: use --input, or one source' });
    }
  })
  // One shape for the rest of the program: always a list.
  .transform(({ source, sources, ...rest }) => ({ ...rest, sources: sources ?? [source ?? DEFAULT_SOURCE] }));

export type Config = z.output<typeof configSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
