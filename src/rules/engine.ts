import type { AuditEvent } from '../events/index.js';
import type { Clock } from '../util/clock.js';
import type { Locale } from '../util/locale.js';
import type { CompiledRule, RuleSet } from './compile.js';
import { fullEvent, matchedRules } from './deferred.js';
import { memorySuppression, type Alert, type SuppressionStore } from './model.js';
import type { RuleRuntime, RuleStart, RuleState } from './types/define.js';

/** What a rule's state left in the state store: its rule id, the rule's stateKey then, and the snapshot. */
export type StoredRuleState = readonly [ruleId: string, stateKey: string, snapshot: unknown];

export interface EngineOptions {
  now: Clock;
  suppression?: SuppressionStore;
  /** How late an event may arrive after newer ones and still count in windows (source.lateness). */
  latenessMs?: number;
  /** Where rules without a restored state begin, unless begin() says (default: no history limit, first point from the first event). */
  start?: RuleStart;
  /** Rule states of an earlier run, from usableStates(): restored instead of started afresh. */
  restored?: ReadonlyMap<string, unknown>;
  /**
   * An explicit range over a restored state (`--since`): window rules also judge the points from
   * `backfill.firstPointMs` with every event, beside the restored state that goes on.
   */
  backfill?: RuleStart;
  /** Called for every event a rule's condition matched (before windows and suppression). */
  onMatch?: (rule: CompiledRule, event: AuditEvent) => void;
  /** Languages to describe alerts in, the run's first (default English only). */
  locales?: readonly Locale[];
}

export interface Engine {
  /**
   * Makes the states of rules without a restored one, starting at `start` (and a backfill beside
   * restored window states, for --since). Called by the first push or advance when not before.
   */
  begin(start?: RuleStart, backfill?: RuleStart): void;
  /** The earliest evaluation point a restored state judges next: where fresh history must start. */
  resumesAt(): number | undefined;
  /** Per-event alerts for this event, at once. `fresh` is false for events an earlier run evaluated. */
  push(event: AuditEvent, fresh?: boolean): Alert[];
  /**
   * Window alerts of every evaluation point up to the watermark not judged before, oldest
   * first. States restored from an earlier run judge up to `restoredWatermarkMs` (where their
   * history is contiguous), those started in this run up to `watermarkMs`.
   */
  advance(watermarkMs: number, restoredWatermarkMs?: number): Alert[];
  /** Judges up to the latest event pushed: the end of a replay. */
  finish(): Alert[];
  /** What each rule keeps for the next run. */
  states(): StoredRuleState[];
  /** Ids of the rules whose condition matches the event; no side effects. */
  matches(event: AuditEvent): string[];
  /** Window entries currently held; stays bounded by the windows however many events pass. */
  retained(): number;
  /** Events that arrived too late (past source.lateness behind newer ones) to count in windows. */
  dropped(): number;
}

/** What push returns when nothing matched, which is most events: frozen, as it is shared. */
const NO_ALERTS = Object.freeze([]) as unknown as Alert[];
export const DEFAULT_LATENESS_MS = 15 * 60_000;

/** The stored states that still fit their rule (same stateKey, a snapshot of the right shape). */
export function usableStates(ruleSet: RuleSet, stored: readonly StoredRuleState[], warn: (msg: string) => void): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [id, key, snapshot] of stored) {
    const rule = ruleSet.byId.get(id);
    if (!rule?.type.snapshot || rule.stateKey !== key) continue; // the rule changed or is gone: start afresh
    const parsed = rule.type.snapshot.safeParse(snapshot);
    if (parsed.success) out.set(id, parsed.data);
    else warn(`rule ${id}: its saved window state is unusable and starts afresh (${parsed.error.issues[0]?.message})`);
  }
  return out;
}

/** A state and its watermark's source: restored ones follow the checkpoints, new ones this run's range. */
interface Held {
  state: RuleState;
  restored: boolean;
}

/** A restored state with a backfill beside it (`--since`): both see every event; the restored one goes on. */
function pair(main: RuleState, extra: RuleState, watermarks: { restored: number }): RuleState {
  return {
    push: (event, ms, fresh) => (extra.push(event, ms, fresh), main.push(event, ms, fresh)),
    advance(watermark) {
      const alerts = main.advance(watermarks.restored);
      const ids = new Set(alerts.map((a) => a.id));
      return alerts.concat(extra.advance(watermark).filter((a) => !ids.has(a.id)));
    },
    snapshot: () => main.snapshot(),
    retained: () => main.retained() + extra.retained(),
    dropped: () => main.dropped(),
  };
}

export function createEngine(ruleSet: RuleSet, options: EngineOptions): Engine {
  const store = options.suppression ?? memorySuppression();
  const runtime: RuleRuntime = {
    now: options.now,
    latenessMs: options.latenessMs ?? DEFAULT_LATENESS_MS,
    locales: options.locales?.length ? options.locales : ['en'],
    allowed(rule, groupKey, atMs) {
      if (rule.suppressMs <= 0) return true;
      const key = `${rule.rule.id}\u0000${groupKey}`;
      const last = store.get(key);
      if (last !== undefined && Math.abs(atMs - last) < rule.suppressMs) return false;
      store.set(key, last === undefined ? atMs : Math.max(last, atMs));
      return true;
    },
  };
  const watermarks = { restored: -Infinity };
  const ruleOptions = (rule: CompiledRule) => (rule.type.key ? (rule.rule as unknown as Record<string, unknown>)[rule.type.key] : undefined);
  const make = (rule: CompiledRule, init: { start: RuleStart; snapshot?: unknown }) => rule.type.create(rule, runtime, init, ruleOptions(rule));
  // Restored states exist at once (their resume point decides how far back the run fetches);
  // the others are made by begin(), once the run knows where its history starts.
  const restoredStates = new Map<number, RuleState>();
  for (const rule of ruleSet.rules) {
    const snapshot = options.restored?.get(rule.rule.id);
    if (snapshot !== undefined) restoredStates.set(rule.index, make(rule, { start: { historyFromMs: -Infinity }, snapshot }));
  }
  let held: Held[] | undefined;
  let states: RuleState[] = [];

  function begin(start: RuleStart = options.start ?? { historyFromMs: -Infinity }, backfill = options.backfill): void {
    held = ruleSet.rules.map((rule) => {
      const main = restoredStates.get(rule.index);
      if (!main) return { state: make(rule, { start }), restored: false };
      // Paired, the backfill's watermark is the one passed; the restored state reads its own from `watermarks`.
      if (backfill && rule.type.windowed) return { state: pair(main, make(rule, { start: backfill }), watermarks), restored: false };
      return { state: main, restored: true };
    });
    states = held.map((h) => h.state);
  }
  const windowed = ruleSet.rules.filter((r) => r.type.windowed);
  const onMatch = options.onMatch;
  // Sorted replays give runs of events in the same second: parse each time text once.
  let lastTime: unknown = NaN;
  let lastMs = NaN;
  let maxMs = -Infinity;

  function push(event: AuditEvent, fresh = true): Alert[] {
    if (!held) begin();
    const time = event.time;
    if (time !== lastTime) {
      lastMs = typeof time === 'string' ? Date.parse(time) : NaN;
      lastTime = typeof time === 'string' ? time : NaN; // NaN equals nothing
    }
    const ms = lastMs;
    if (ms > maxMs) maxMs = ms;
    let out: Alert[] | undefined;
    // Judged on a worker thread already (rules/deferred.ts): its matches are all that is left to push.
    const judged = matchedRules(event);
    const candidates = judged ?? ruleSet.candidates(event.name);
    for (let i = 0; i < candidates.length; i++) {
      const rule = candidates[i];
      if (judged === undefined && !rule.test(event)) continue;
      if (onMatch) onMatch(rule, fullEvent(event));
      const alert = states[rule.index].push(event, ms, fresh);
      if (alert) (out ??= []).push(alert);
    }
    return out ?? NO_ALERTS;
  }

  function advance(watermarkOf: (rule: CompiledRule) => number): Alert[] {
    if (!held) begin();
    let out: Alert[] | undefined;
    for (const rule of windowed) {
      const h = held![rule.index];
      const alerts = h.state.advance(h.restored ? watermarks.restored : watermarkOf(rule));
      if (alerts.length > 0) (out ??= []).push(...alerts);
    }
    // Oldest first across rules; a stable sort keeps rule order within one point.
    return out ? out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)) : NO_ALERTS;
  }

  return {
    begin,
    resumesAt() {
      let at: number | undefined;
      for (const s of restoredStates.values()) {
        const next = s.resumesAt?.();
        if (next !== undefined && (at === undefined || next < at)) at = next;
      }
      return at;
    },
    push,
    advance(watermarkMs, restoredWatermarkMs = watermarkMs) {
      watermarks.restored = restoredWatermarkMs;
      return advance(() => watermarkMs);
    },
    // Each rule's last point is the first at or after the latest event, so that event is judged.
    finish() {
      if (!Number.isFinite(maxMs)) return NO_ALERTS;
      watermarks.restored = maxMs;
      return advance((rule) => Math.ceil(maxMs / rule.stepMs) * rule.stepMs);
    },
    states: () =>
      ruleSet.rules.flatMap((rule) => {
        if (!held) begin();
        const snapshot = states[rule.index].snapshot();
        return snapshot === undefined ? [] : [[rule.rule.id, rule.stateKey, snapshot] as const];
      }),
    matches: (event) => ruleSet.candidates(event.name).filter((r) => r.test(event)).map((r) => r.rule.id),
    retained: () => states.reduce((n, s) => n + s.retained(), 0),
    dropped: () => states.reduce((n, s) => n + s.dropped(), 0),
  };
}
