import { defineSource } from '../types.js';
import { alibabacloudOptions } from './options.js';
import type { AlibabaSourceContext } from './source.js';

export type { AlibabaSourceContext } from './source.js';
export { alibabaRecordFormat } from './format.js';

/**
 * Alibaba Cloud ActionTrail through the official generic OpenAPI client (there is no ActionTrail
 * package). The client, p-retry and p-throttle load only when a source is created, so config
 * validation and offline commands never pay for them.
 */
export const alibabacloudSource = defineSource({
  provider: 'alibabacloud',
  options: alibabacloudOptions,
  async create(opts, ctx: AlibabaSourceContext) {
    const { createAlibabaSource } = await import('./source.js');
    return createAlibabaSource(opts, ctx);
  },
});
