import { Option } from 'commander';
import { AuditError } from '../errors.js';
import { parseTimeArg } from '../util/duration.js';
import type { TimeRange } from '../sources/types.js';

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
