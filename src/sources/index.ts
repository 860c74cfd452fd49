import { fileSource } from './file/source.js';
import { tencentcloudSource } from './tencentcloud/index.js';
import { alibabacloudSource } from './alibabacloud/index.js';
import { awsSource } from './aws/index.js';
import { kafkaSource } from './kafka/index.js';
import type { Source, SourceContext } from './types.js';

/** Source plugins by `source.provider`: the only list (the config schema reads it too). */
export const sourcePlugins = {
  tencentcloud: tencentcloudSource,
  alibabacloud: alibabacloudSource,
  aws: awsSource,
  file: fileSource,
  kafka: kafkaSource,
};

type SourceConfigOf<P extends keyof typeof sourcePlugins> = Parameters<(typeof sourcePlugins)[P]['create']>[0];

/** The source a config entry names, made by its provider's plugin. */
export function openSource<P extends keyof typeof sourcePlugins>(config: SourceConfigOf<P> & { provider: P }, ctx: SourceContext): Promise<Source> {
  const plugin = sourcePlugins[config.provider] as unknown as { create(options: SourceConfigOf<P>, ctx: SourceContext): Promise<Source> };
  return plugin.create(config, ctx);
}

/** Whether the configured sources are a stream (Kafka), before any is opened. */
export function isStreamConfig(sources: readonly { provider: string }[]): boolean {
  return sources.some((s) => (sourcePlugins as Record<string, { stream?: boolean }>)[s.provider]?.stream === true);
}
