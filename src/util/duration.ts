export const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

export const MINUTE_MS = UNIT_MS.m;
export const DAY_MS = UNIT_MS.d;

/**
 * The longest any timeout may be (source and notifier requests, --lock-timeout). A cron run
 * comes every minute, so a wait of more than minutes is a mistake; and from 2^31 ms (24.8 days)
 * on, Node's timers overflow and fire at once.
 */
export const MAX_TIMEOUT_MS = 10 * MINUTE_MS;

/** `30s`, `5m`, `2h`, `1d` (and `500ms`) to milliseconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  // May be huge or Infinity (`9999999999d`): callers bound it (durationBoundProblem, parseTimeArg).
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}

export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** Inclusive bounds in milliseconds; durations are whole milliseconds, so `min: 1` means "longer than 0". */
export interface DurationBounds {
  min?: number;
  max: number;
}

/**
 * What is wrong with a parsed duration for these bounds, or undefined. Shared by the config
 * schemas and the CLI's flags, so both say `at most 10m` the same way.
 */
export function durationBoundProblem(ms: number, { min = 0, max }: DurationBounds): string | undefined {
  if (ms < min) return min <= 1 ? 'must be longer than 0' : `at least ${formatDuration(min)}`;
  if (ms > max) return `at most ${formatDuration(max)}`;
  return undefined;
}

/**
 * A point in time given on the command line: a duration means that long before `now`,
 * anything else must be an ISO-8601 time. Undefined when it is neither, or when the duration
 * reaches outside the dates JavaScript can hold (`99999999999d`).
 */
export function parseTimeArg(text: string, now: Date): Date | undefined {
  const ms = parseDuration(text);
  if (ms !== undefined) {
    const t = new Date(now.getTime() - ms);
    return Number.isNaN(t.getTime()) ? undefined : t;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const t = new Date(text);
  return Number.isNaN(t.getTime()) ? undefined : t;
}
