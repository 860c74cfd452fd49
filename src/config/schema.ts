import { z } from 'zod';
import { tencentcloudOptions } from '../sources/tencentcloud/options.js';
// TODO(wiring): replace with the rule and notifier registries' schemas.
const rulesConfigSchema = z.array(z.unknown());
const notifiersConfigSchema = z.array(z.unknown());

/** Only one provider today; an object without `provider` means Tencent Cloud. */
const sourceSchema = z.preprocess(
  (value) => (value && typeof value === 'object' && !('provider' in value) ? { provider: 'tencentcloud', ...value } : value),
  tencentcloudOptions,
);

const stateSchema = z.strictObject({
  /** Default: $XDG_STATE_HOME/audit-watch/<one directory per config>. */
  dir: z.string().min(1).optional(),
});

/** The whole config file. The single source of truth: validation, types and `audit config schema`. */
export const configSchema = z.strictObject({
  source: sourceSchema.default({ provider: 'tencentcloud' } as never),
  rules: rulesConfigSchema.default([{ builtin: 'recommended' }] as never),
  notifiers: notifiersConfigSchema.default([{ name: 'console', type: 'stdout', format: 'text' }] as never),
  state: stateSchema.default({}),
});

export type Config = z.output<typeof configSchema>;
export type SourceConfig = Config['source'];
