import { describeAlert, fingerprint } from '../alert.js';
import type { CompiledRule } from '../compile.js';
import { fullEvent } from '../deferred.js';
import type { Group } from '../group.js';
import type { Alert } from '../model.js';
import type { RuleInit, RuleRuntime, RuleState } from './define.js';
import { readFlatline, writeFlatline, type FlatBucket, type FlatClock, type FlatGroup } from './flatline-snapshot.js';

/** Every group is judged at every point, so a rule grouped by something with many values is capped. */
export const MAX_FLATLINE_GROUPS = 10_000;
/** Pruning walks every bucket, so in a long advance it runs once per this many points. */
const PRUNE_EVERY = 16;

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
const later = (a: FlatBucket, b: FlatBucket | undefined) => !b || a.lastMs > b.lastMs || (a.lastMs === b.lastMs && a.last.id > b.last.id);
const isoTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * A flatline judges silence, and a late event can only prove a silence wrong, never make one:
 * so a point T is judged once the watermark is `lateness` past it, when every event up to T
 * has had its time to arrive. Each point then sees the same events in one backfill as across
 * cron runs, and gives the same alerts. Per group: bucket counts for one window plus lateness,
 * the latest event let go of (the group's last sign of life), and whether it is in a quiet spell.
 */
export function createFlatlineState(rule: CompiledRule, runtime: RuleRuntime, init: RuleInit, lt: number, forgetMs: number): RuleState {
  const { windowMs: w, stepMs: step } = rule;
  const g = gcd(w, step);
  const countsAll = init.snapshot === undefined;
  const restored = init.snapshot === undefined ? undefined : readFlatline(init.snapshot);
  const groups = restored?.groups ?? new Map<string, FlatGroup>();
  const clock: FlatClock = restored?.clock ?? {
    historyFrom: init.start.historyFromMs,
    judged: init.start.firstPointMs === undefined ? NaN : Math.ceil(init.start.firstPointMs / step) * step - step,
    pruned: -Infinity,
  };
  let dropped = 0;

  /** The group's latest event at or before T (T is a multiple of the bucket size: buckets ending after it hold only later ones). */
  function latestBy(gs: FlatGroup, T: number): FlatBucket | undefined {
    let last = gs.settled;
    for (const [b, k] of gs.buckets) if (b <= T && later(k, last)) last = k;
    return last;
  }

  function judge(key: string, gs: FlatGroup, T: number): Alert | undefined {
    if (T - w < clock.historyFrom) return undefined;
    let n = 0;
    for (let b = T - w + g; b <= T; b += g) n += gs.buckets.get(b)?.n ?? 0;
    if (n >= lt) {
      gs.quiet = false;
      return undefined;
    }
    // Not seen before the window began (its first window would count a part of it), or not within
    // `forget` of T: nothing to miss, and any spell is over.
    const before = latestBy(gs, T - w);
    if (!before || before.lastMs <= T - forgetMs) {
      gs.quiet = false;
      return undefined;
    }
    if (gs.quiet) return undefined;
    const last = latestBy(gs, T)!;
    gs.quiet = true;
    if (!runtime.allowed(rule, key, T)) return undefined;
    const { id, title, severity } = rule.rule;
    const end = isoTime(T);
    const alert: Alert = { id: fingerprint(id, key, end), time: end, rule: { id, title, severity }, summary: '', event: fullEvent(last.last), count: n, group: gs.group, window: { start: isoTime(T - w), end } };
    describeAlert(rule.rule, alert, runtime.locales);
    return alert;
  }

  /** Lets go of buckets no point still to judge reads, keeping the latest event; forgets long-silent groups. */
  function prune(): void {
    const threshold = clock.judged - w;
    if (!(threshold > clock.pruned)) return;
    for (const [key, gs] of groups) {
      for (const [b, k] of gs.buckets) {
        if (b > threshold) continue;
        if (later(k, gs.settled)) gs.settled = k;
        gs.buckets.delete(b);
      }
      if (gs.buckets.size === 0 && (!gs.settled || gs.settled.lastMs <= clock.judged - forgetMs)) groups.delete(key);
    }
    clock.pruned = threshold;
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
      if (!gs) {
        groups.set(key, (gs = { group: rule.groupObject(event) as Group, buckets: new Map(), settled: undefined, quiet: false, newest: b, lastMs: ms }));
        // The group heard from longest ago gives way: a group moves to the end of the Map when it gets a newer bucket.
        if (groups.size > MAX_FLATLINE_GROUPS) groups.delete(groups.keys().next().value!);
      } else if (b > gs.newest) {
        gs.newest = b;
        groups.delete(key);
        groups.set(key, gs);
      }
      if (ms > gs.lastMs) gs.lastMs = ms;
      const k = gs.buckets.get(b);
      if (!k) gs.buckets.set(b, { n: 1, last: event, lastMs: ms });
      else {
        k.n++;
        if (ms > k.lastMs || (ms === k.lastMs && event.id > k.last.id)) Object.assign(k, { last: event, lastMs: ms });
      }
      return undefined;
    },

    advance(watermark) {
      const out: Alert[] = [];
      if (Number.isNaN(clock.judged)) return out;
      const lastPoint = Math.floor((watermark - runtime.latenessMs) / step) * step;
      let sincePrune = 0;
      while (clock.judged + step <= lastPoint) {
        if (groups.size === 0) {
          clock.judged = lastPoint;
          break;
        }
        const T = clock.judged + step;
        const here: [string, Alert][] = [];
        for (const [key, gs] of groups) {
          // Quiet with no event since the window began: nothing to count, only whether it is forgotten now.
          if (gs.quiet && gs.newest <= T - w) {
            if (gs.lastMs <= T - forgetMs) gs.quiet = false;
            continue;
          }
          const alert = judge(key, gs, T);
          if (alert) here.push([key, alert]);
        }
        // Map order depends on when events arrived; group keys do not.
        for (const [, alert] of here.sort(([a], [b]) => (a < b ? -1 : 1))) out.push(alert);
        clock.judged = T;
        if (++sincePrune >= PRUNE_EVERY) (prune(), (sincePrune = 0));
      }
      prune();
      return out;
    },

    snapshot: () => writeFlatline(clock, groups),
    retained: () => [...groups.values()].reduce((n, gs) => n + 1 + gs.buckets.size, 0),
    dropped: () => dropped,
    resumesAt: () => (Number.isNaN(clock.judged) ? undefined : clock.judged + step),
  };
}
