import { defineSource } from '../types.js';
import { awsOptions } from './options.js';
import type { AwsSourceContext } from './source.js';

export type { AwsSourceContext } from './source.js';

/**
 * AWS CloudTrail through the official SDK. The SDK, p-retry and p-throttle load only when a
 * source is created, so config validation and offline commands never pay for them.
 */
export const awsSource = defineSource({
  provider: 'aws',
  options: awsOptions,
  async create(opts, ctx: AwsSourceContext) {
    const { createAwsSource } = await import('./source.js');
    return createAwsSource(opts, ctx);
  },
});
