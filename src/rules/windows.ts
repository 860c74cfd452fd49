import type { AuditEvent } from '../events/index.js';
import type { Group } from './group.js';

/**
 * What one aggregate rule keeps per group: event counts per timestamp (CloudAudit times are
 * whole seconds, so a burst collapses into few entries), the latest time each distinct
 * value was seen, and the latest event. Everything older than the rule's lookback is
 * pruned, so memory follows the window, not the number of events streamed.
 */
interface GroupState {
  group: Record<string, unknown> | null;
  counts: Map<number, number>;
  values: Map<string, number> | undefined;
  last: AuditEvent;
  lastMs: number;
}

export interface WindowResult {
  key: string;
  group: Record<string, unknown> | null;
  current: number;
  previous: number;
  distinct: number;
  last: AuditEvent;
}

export interface WindowState {
  /** `groupOf` makes the group object of a new group, so adding to a known group allocates none. */
  add(key: string, event: AuditEvent, ms: number, distinctValue: string | undefined, groupOf: (event: AuditEvent) => Group): void;
  /** Forget everything at or before `threshold` (epoch ms). Returns the groups left. */
  prune(threshold: number): number;
  /** Numbers for the window (end - window, end] and the one before it, per group. */
  evaluate(end: number, windowMs: number): WindowResult[];
  /** Entries held (timestamps and distinct values), to check memory stays bounded. */
  size(): number;
}

export function createWindowState(tracksDistinct: boolean): WindowState {
  const groups = new Map<string, GroupState>();
  return {
    add(key, event, ms, distinctValue, groupOf) {
      let g = groups.get(key);
      if (!g) {
        g = { group: groupOf(event), counts: new Map(), values: tracksDistinct ? new Map() : undefined, last: event, lastMs: ms };
        groups.set(key, g);
      }
      g.counts.set(ms, (g.counts.get(ms) ?? 0) + 1);
      if (g.values && distinctValue !== undefined) g.values.set(distinctValue, Math.max(g.values.get(distinctValue) ?? ms, ms));
      if (ms >= g.lastMs) {
        g.last = event;
        g.lastMs = ms;
      }
    },
    prune(threshold) {
      for (const [key, g] of groups) {
        for (const ms of g.counts.keys()) if (ms <= threshold) g.counts.delete(ms);
        if (g.values) for (const [v, ms] of g.values) if (ms <= threshold) g.values.delete(v);
        if (g.counts.size === 0) groups.delete(key);
      }
      return groups.size;
    },
    evaluate(end, windowMs) {
      const start = end - windowMs;
      const before = start - windowMs;
      const out: WindowResult[] = [];
      for (const [key, g] of groups) {
        let current = 0;
        let previous = 0;
        for (const [ms, n] of g.counts) {
          if (ms > start && ms <= end) current += n;
          else if (ms > before && ms <= start) previous += n;
        }
        let distinct = 0;
        if (g.values) for (const ms of g.values.values()) if (ms > start && ms <= end) distinct++;
        out.push({ key, group: g.group, current, previous, distinct, last: g.last });
      }
      return out;
    },
    size() {
      let n = 0;
      for (const g of groups.values()) n += g.counts.size + (g.values?.size ?? 0);
      return n;
    },
  };
}
