import { Option } from 'commander';
import { AuditError } from '../errors.js';
import { parseTimeArg } from '../util/duration.js';
import type { TimeRange } from '../sources/types.js';
import type { LoadedConfig } from '../config/index.js';

/** Options and values several commands share. */
export function outputOption(): Option {
  return new Option('-o, --output <format>', 'text or json (NDJSON); default: text in a terminal, json in a pipe').choices(['text', 'json']);
}

/** --since/--until as given on the command line; an unparsable value is a usage error. */
export function parseRange(since: string | undefined, until: string | undefined, now: Date): Partial<TimeRange> {
  const parse = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const t = parseTimeArg(text, now);
    if (!t) throw new AuditError('E_USAGE', `${flag}: invalid time "${text}" (use 30s, 5m, 2h, 1d or an ISO time like 2026-11-22T10:00:00Z)`);
    return t;
  };
  const range = { start: parse('--since', since), end: parse('--until', until) };
  if (range.start && range.end && range.start >= range.end) {
    throw new AuditError('E_USAGE', `--since must be before --until (${range.start.toISOString()} >= ${range.end.toISOString()})`);
  }
  return range;
}

export function resolveOutput(flag: string | undefined, stdout: { isTTY?: boolean }): 'text' | 'json' {
  return (flag as 'text' | 'json' | undefined) ?? (stdout.isTTY ? 'text' : 'json');
}

/**
 * --provider for the commands that read --input: the record format for every record instead of
 * detecting it per record. Checked against the registry when the command runs (sources/file/formats.ts),
 * so --help does not load it.
 */
export function providerOption(): Option {
  return new Option('--provider <name>', 'read every recorded record as this provider\'s: tencentcloud, alibabacloud, aws, or normalized (default: detected per record)');
}

/** --profile for the commands that call the API (TENCENTCLOUD_PROFILE is read with the credentials). */
export function profileOption(): Option {
  return new Option('--profile <name>', 'section of ~/.tencentcloud/credentials to take the keys from (default: $TENCENTCLOUD_PROFILE, else [default])');
}

/** The config's source with --profile applied; a usage error where no profile can apply. */
export function withProfile<S extends { provider: string; credentials?: unknown }>(source: S, profile: string | undefined): S {
  if (profile === undefined) return source;
  if (profile.trim() === '') throw new AuditError('E_USAGE', '--profile: expected the name of a section of the credentials file');
  if (source.provider !== 'tencentcloud') throw new AuditError('E_USAGE', `--profile: source.provider is ${source.provider}, which takes no credentials`);
  const credentials = source.credentials ?? 'auto';
  if (credentials !== 'auto' && credentials !== 'profile') {
    const what = typeof credentials === 'object' ? 'keys in the config' : String(credentials);
    throw new AuditError('E_USAGE', `--profile: source.credentials is ${what}; --profile needs credentials: auto or profile`);
  }
  return { ...source, profile };
}

export function withConfigProfile(loaded: LoadedConfig, profile: string | undefined): LoadedConfig {
  if (profile === undefined) return loaded;
  const sources = loaded.config.sources;
  // The profile is the caller's own Tencent keys: it applies to the Tencent sources only.
  const tencent = sources.filter((s) => s.provider === 'tencentcloud');
  const changed = tencent.length ? sources.map((s) => (s.provider === 'tencentcloud' ? withProfile(s, profile) : s)) : [withProfile(sources[0], profile)];
  return { ...loaded, config: { ...loaded.config, sources: changed } };
}
