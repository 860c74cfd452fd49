import type { AuditEvent } from './schema.js';

/** Limits past which a record is quarantined rather than evaluated: nothing downstream recurses on more. */
export const LIMITS = {
  /** 2000-01-01: no cloud audit trail is older. */
  earliestMs: Date.UTC(2000, 0, 1),
  /** How far past now an event time may be (clock skew), before it is taken for damage. */
  futureMs: 24 * 3600_000,
  depth: 64,
  nodes: 50_000,
  /** Characters of text in all of a record's strings, about 1 MiB. */
  chars: 1 << 20,
} as const;

/**
 * Why an event must not be evaluated, or undefined when it is fine: a time outside
 * [2000-01-01, now + 1 day], or a raw record deeper or larger than the limits. The walk is
 * iterative and stops at the first limit, so a hostile record costs no more than the limits.
 */
export function insanity(event: AuditEvent, nowMs: number): string | undefined {
  const ms = Date.parse(event.time);
  if (!(ms >= LIMITS.earliestMs)) return `time ${event.time} is before 2000-01-01`;
  if (ms > nowMs + LIMITS.futureMs) return `time ${event.time} is more than a day in the future`;
  return shapeProblem(event.raw);
}

function shapeProblem(root: unknown): string | undefined {
  if (root === null || typeof root !== 'object') return undefined;
  const stack: unknown[] = [root];
  const depths: number[] = [1];
  let nodes = 0;
  let chars = 0;
  while (stack.length > 0) {
    const value = stack.pop() as Record<string, unknown> | unknown[];
    const depth = depths.pop()!;
    if (depth > LIMITS.depth) return `record nests deeper than ${LIMITS.depth} levels`;
    const items = Array.isArray(value) ? value : Object.values(value);
    nodes += items.length;
    if (nodes > LIMITS.nodes) return `record has more than ${LIMITS.nodes} values`;
    for (const item of items) {
      if (typeof item === 'string') {
        chars += item.length;
        if (chars > LIMITS.chars) return 'record holds more than 1 MiB of text';
      } else if (item !== null && typeof item === 'object') {
        stack.push(item);
        depths.push(depth + 1);
      }
    }
  }
  return undefined;
}
