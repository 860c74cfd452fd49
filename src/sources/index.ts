import { fileSource } from './file/source.js';
import { tencentcloudSource } from './tencentcloud/index.js';

/** Source plugins by `source.provider`: the only list (the config schema reads it too). */
export const sourcePlugins = {
  tencentcloud: tencentcloudSource,
  file: fileSource,
};
