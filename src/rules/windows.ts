import type { AuditEvent } from '../events/index.js';
import { describeAlert, fingerprint } from './alert.js';
import { fullEvent } from './deferred.js';
import type { CompiledRule } from './compile.js';
import type { Group } from './group.js';
import type { Alert } from './model.js';
import type { RuleInit, RuleRuntime, RuleState } from './types/define.js';
import { readWindowSnapshot, writeWindowSnapshot, type Bucket, type GroupState, type WindowClock } from './window-snapshot.js';

export interface WindowMeasure {
  /** The value a `distinct` rule counts, as a key; absent for plain counts. */
  distinctOf?: (event: AuditEvent) => string | undefined;
  /** Whether the window's number (and the count of the window before, for a spike) makes an alert. */
  fires(current: number, previous: number): boolean;
  /** Can fire with no event in the current window (a drop): groups are then judged while the previous window holds any. */
  firesOnEmpty?: boolean;
}

/** Pruning walks every bucket, so in a long advance it runs once per this many points. */
const PRUNE_EVERY = 64;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Whole seconds without `.000`, like the event times CloudAudit gives. */
function isoTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.replace('.000Z', 'Z') : iso;
}

const later = (a: Bucket, b: Bucket) => a.lastMs > b.lastMs || (a.lastMs === b.lastMs && a.lastId > b.lastId);

/**
 * The state of a count, spike or distinct rule, on event time. Events are counted per group
 * in buckets ending on multiples of gcd(window, every), so every window is an exact union of
 * buckets. The rule is judged at evaluation points T (multiples of `every`) for the window
 * (T - window, T]; each point once, in order, as the watermark passes it, and again when a
 * late event lands in its window. A point whose lookback reaches before the history start is
 * not judged: data that was never fetched is not zero. Buckets live for the lookback plus
 * the lateness, so memory follows the windows, not the number of events.
 */
export function createWindowRule(rule: CompiledRule, runtime: RuleRuntime, init: RuleInit, measure: WindowMeasure): RuleState {
  const { windowMs: w, stepMs: step, lookbackMs: lookback } = rule;
  const g = gcd(w, step);
  const twoWindows = lookback > w;
  // A restored state has counted every event an earlier run saw; a new one counts all it is given.
  const countsAll = init.snapshot === undefined;
  const restored = init.snapshot === undefined ? undefined : readWindowSnapshot(init.snapshot);
  const groups = restored?.groups ?? new Map<string, GroupState>();
  const clock: WindowClock = restored?.clock ?? {
    historyFrom: init.start.historyFromMs,
    judged: init.start.firstPointMs === undefined ? NaN : Math.ceil(init.start.firstPointMs / step) * step - step,
    pruned: -Infinity,
    high: -Infinity,
  };
  const dirty = new Set<string>();
  // One set reused by every judgement of a distinct rule: the union of its buckets' values.
  const distinct = measure.distinctOf ? new Set<string>() : undefined;
  // A group with no event this recent cannot fire at a point (nothing in the window it reads).
  const reach = measure.firesOnEmpty ? lookback : w;
  let dropped = 0;
  let sincePrune = 0;
  let released = -Infinity;

  /** The bucket with the latest event still held in (from, to]; undefined when none. */
  function latest(gs: GroupState, from: number, to: number): Bucket | undefined {
    let last: Bucket | undefined;
    for (let b = from + g; b <= to; b += g) {
      const k = gs.buckets.get(b);
      if (k?.last && (!last || later(k, last))) last = k;
    }
    return last;
  }

  function judge(key: string, gs: GroupState, T: number): Alert | undefined {
    if (T - lookback < clock.historyFrom) return undefined;
    let current = 0;
    let previous = 0;
    if (distinct) distinct.clear();
    for (let b = T - w + g; b <= T; b += g) {
      const k = gs.buckets.get(b);
      if (!k) continue;
      current += k.n;
      if (k.values) for (const v of k.values) distinct!.add(v);
    }
    if (twoWindows) {
      for (let b = T - lookback + g; b <= T - w; b += g) previous += gs.buckets.get(b)?.n ?? 0;
    }
    const value = distinct ? distinct.size : current;
    // Most judgements end here, so the alert's event is only looked for when it fires.
    if (!measure.fires(value, previous)) return undefined;
    const last = latest(gs, T - w, T) ?? latest(gs, T - lookback, T - w);
    if (!last || !runtime.allowed(rule, key, T)) return undefined;
    const { id, title, severity } = rule.rule;
    const end = isoTime(T);
    const alert: Alert = {
      id: fingerprint(id, key, end),
      time: end,
      rule: { id, title, severity },
      summary: '',
      event: fullEvent(last.last!),
      count: value,
      group: gs.group,
      window: { start: isoTime(T - w), end },
    };
    describeAlert(rule.rule, alert, runtime.locales, twoWindows ? previous : undefined);
    return alert;
  }

  /**
   * Drops what no point still to judge, nor any late event still to come, can need; and lets go
   * of the events of buckets no future point's window shows (an alert names the latest event of
   * its window; a point judged again for a late event falls back to the latest event it still has).
   */
  function prune(): void {
    sincePrune = 0;
    const threshold = Math.min(clock.judged, clock.high - runtime.latenessMs) - lookback;
    const release = clock.judged - reach;
    // Once per bucket's worth of progress: a replay advances after every chunk of its file.
    if (!(threshold >= clock.pruned + g) && !(release >= released + g)) return;
    for (const [key, gs] of groups) {
      for (const [b, k] of gs.buckets) {
        if (b <= threshold) gs.buckets.delete(b);
        else if (b <= release) k.last = undefined;
      }
      if (gs.buckets.size === 0 && !dirty.has(key)) groups.delete(key);
    }
    if (threshold > clock.pruned) clock.pruned = threshold;
    released = release;
  }

  return {
    push(event, ms, fresh) {
      if ((!fresh && !countsAll) || !Number.isFinite(ms)) return undefined;
      const b = Math.ceil(ms / g) * g;
      if (b <= clock.pruned) {
        dropped++;
        return undefined;
      }
      if (Number.isNaN(clock.judged)) clock.judged = Math.ceil(b / step) * step - step;
      const key = rule.groupKey(event);
      let gs = groups.get(key);
      if (!gs) groups.set(key, (gs = { group: rule.groupObject(event) as Group, buckets: new Map(), newest: b, dirtyFrom: Infinity, dirtyTo: -Infinity }));
      else if (b > gs.newest) gs.newest = b;
      let k = gs.buckets.get(b);
      if (!k) gs.buckets.set(b, (k = { n: 0, last: event, lastMs: ms, lastId: event.id, values: measure.distinctOf ? new Set() : undefined }));
      else if (ms > k.lastMs || (ms === k.lastMs && event.id > k.lastId)) {
        k.last = event;
        k.lastMs = ms;
        k.lastId = event.id;
      }
      k.n++;
      if (k.values) {
        const v = measure.distinctOf!(event);
        if (v !== undefined) k.values.add(v);
      }
      // Late: points already judged held this bucket in their windows; judge them again.
      if (b <= clock.judged) {
        if (b < gs.dirtyFrom) gs.dirtyFrom = b;
        if (b > gs.dirtyTo) gs.dirtyTo = b;
        dirty.add(key);
      }
      return undefined;
    },

    advance(watermark) {
      if (watermark > clock.high) clock.high = watermark;
      const out: Alert[] = [];
      if (Number.isNaN(clock.judged)) return out;
      for (const key of dirty) {
        const gs = groups.get(key)!;
        const to = Math.min(clock.judged, gs.dirtyTo + lookback - g);
        for (let T = Math.ceil(gs.dirtyFrom / step) * step; T <= to; T += step) {
          const alert = judge(key, gs, T);
          if (alert) out.push(alert);
        }
        gs.dirtyFrom = Infinity;
        gs.dirtyTo = -Infinity;
      }
      dirty.clear();
      const lastPoint = Math.floor(watermark / step) * step;
      for (let T = clock.judged + step; T <= lastPoint; T += step) {
        if (groups.size === 0) {
          clock.judged = lastPoint;
          break;
        }
        for (const [key, gs] of groups) {
          if (gs.newest <= T - reach) continue;
          const alert = judge(key, gs, T);
          if (alert) out.push(alert);
        }
        clock.judged = T;
        if (++sincePrune >= PRUNE_EVERY) prune();
      }
      prune();
      return out;
    },

    snapshot: () => writeWindowSnapshot(clock, groups),
    retained() {
      let n = 0;
      for (const gs of groups.values()) for (const k of gs.buckets.values()) n += 1 + (k.values?.size ?? 0);
      return n;
    },
    dropped: () => dropped,
    resumesAt: () => (Number.isNaN(clock.judged) ? undefined : clock.judged + step),
  };
}
