import * as z from 'zod';
import { tencentcloudOptions } from '../sources/tencentcloud/options.js';
import { rulesConfigSchema } from '../rules/config.js';
import { notifiersConfigSchema } from '../notifiers/config.js';

/** Only one provider today; an object without `provider` means Tencent Cloud. */
const sourceSchema = z.preprocess(
  (value) => (value && typeof value === 'object' && !('provider' in value) ? { provider: 'tencentcloud', ...value } : value),
  tencentcloudOptions,
);

const stateSchema = z.strictObject({
  /** Default $XDG_STATE_HOME/audit-watch; either way one subdirectory per config file is used below it. */
  dir: z.string().min(1).optional(),
});

/** The whole config file. The single source of truth: validation, types and `audit config schema`. */
export const configSchema = z.strictObject({
  source: sourceSchema.prefault({ provider: 'tencentcloud' }),
  /** Absent: the recommended pack. An empty list is valid: nothing alerts. */
  rules: rulesConfigSchema,
  /** Absent: one text stdout notifier named `console`. */
  notifiers: notifiersConfigSchema,
  state: stateSchema.prefault({}),
});

export type Config = z.output<typeof configSchema>;
export type SourceConfig = Config['source'];
