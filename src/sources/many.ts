import { AuditError } from '../errors.js';
import type { SourceConfig } from '../config/schema.js';
import type { PipelineDeps } from '../pipeline.js';
import type { Source } from './types.js';

/**
 * Several configured sources as one: partitions are `provider/account/region`, so each names its
 * source; a fetch goes to the source that owns the partition. Two sources claiming one partition
 * would share a checkpoint and skip each other's events, so that is a config error.
 */
export function manySources(sources: Source[]): Source {
  if (sources.length === 1) return sources[0];
  const owner = new Map<string, Source>();
  sources.forEach((source, i) => {
    for (const p of source.partitions()) {
      const first = owner.get(p);
      if (first) throw new AuditError('E_CONFIG', `sources[${i}]: partition ${p} is also watched by sources[${sources.indexOf(first)}]`);
      owner.set(p, source);
    }
  });
  return {
    partitions: () => [...owner.keys()],
    fetch: (partition, range, options) => {
      const source = owner.get(partition);
      if (!source) throw new AuditError('E_SOURCE', `${partition}: no configured source has this partition`);
      return source.fetch(partition, range, options);
    },
    previousName: (partition) => owner.get(partition)?.previousName?.(partition),
    stats: () =>
      sources.map((s) => s.stats()).reduce((a, b) => ({ apiCalls: a.apiCalls + b.apiCalls, retries: a.retries + b.retries }), { apiCalls: 0, retries: 0 }),
    close: async () => void (await Promise.all(sources.map((s) => s.close?.()))),
  };
}

/** The configured sources as one: each partition fetched from the source that owns it. The plugin list loads only here. */
export async function createSource(config: SourceConfig | readonly SourceConfig[], deps: PipelineDeps & { skipped?: (reason: string) => void }): Promise<Source> {
  const { openSource } = await import('./index.js');
  const list = Array.isArray(config) ? config : [config as SourceConfig];
  const opened: Source[] = [];
  try {
    for (const one of list) opened.push(await openSource(one, deps));
    // Several sources are merged without a stream's flag and commit hook: a stream stays on its own.
    if (opened.length > 1 && opened.some((s) => s.stream)) throw new AuditError('E_CONFIG', 'sources: a stream source (provider: kafka) is consumed on its own: give it a config of its own');
    return manySources(opened);
  } catch (err) {
    await Promise.all(opened.map((s) => s.close?.()));
    throw err;
  }
}
