import { defineSource } from '../types.js';
import { tencentcloudOptions } from './options.js';
import type { TencentSourceContext } from './source.js';

export type { TencentSourceContext } from './source.js';

/**
 * Tencent CloudAudit through the official SDK. The SDK, p-retry and p-throttle load only when
 * a source is created, so config validation and offline commands never pay for them.
 */
export const tencentcloudSource = defineSource({
  provider: 'tencentcloud',
  options: tencentcloudOptions,
  async create(opts, ctx: TencentSourceContext) {
    const { createTencentSource } = await import('./source.js');
    return createTencentSource(opts, ctx);
  },
});
