import { tencentcloudSource } from './tencentcloud/index.js';

/** Source plugins by `source.provider`. */
export const sourcePlugins = {
  tencentcloud: tencentcloudSource,
};
