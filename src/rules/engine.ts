import type { AuditEvent } from '../events/index.js';
import type { Clock } from '../util/clock.js';
import { fingerprint, summarize } from './alert.js';
import type { CompiledRule, RuleSet } from './compile.js';
import { memorySuppression, type Alert, type SuppressionStore } from './types.js';
import { createWindowState, type WindowState } from './windows.js';

export interface EngineOptions {
  /** End of the check. Aggregate windows end here; without it, at the latest event time seen. */
  until?: Date;
  now: Clock;
  suppression?: SuppressionStore;
  /** Called for every event a rule's condition matched (before windows and suppression). */
  onMatch?: (rule: CompiledRule, event: AuditEvent) => void;
}

export interface Engine {
  /** Per-event alerts for this event, at once. */
  push(event: AuditEvent): Alert[];
  /** Aggregate alerts for the windows ending at the end time. Call once, after the last push. */
  finish(): Alert[];
  /** Ids of the rules whose condition matches the event; no side effects. */
  matches(event: AuditEvent): string[];
  /** Window entries currently held; stays bounded by the windows however many events pass. */
  retained(): number;
}

const MIN_PRUNE_INTERVAL = 4096;
/** What push returns when nothing matched, which is most events: frozen, as it is shared. */
const NO_ALERTS = Object.freeze([]) as unknown as Alert[];

/** Whole seconds without `.000`, like the event times CloudAudit gives. */
function isoTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.replace('.000Z', 'Z') : iso;
}

export function createEngine(ruleSet: RuleSet, options: EngineOptions): Engine {
  const store = options.suppression ?? memorySuppression();
  const untilMs = options.until?.getTime();
  const states = new Map<CompiledRule, WindowState>();
  for (const rule of ruleSet.rules) if (rule.kind !== 'event') states.set(rule, createWindowState(rule.kind === 'distinct'));
  const stateAt: (WindowState | undefined)[] = ruleSet.rules.map((r) => states.get(r));
  const onMatch = options.onMatch;
  // Sorted replays give runs of events in the same second: parse each time text once.
  let lastTime: unknown = NaN;
  let lastMs = NaN;
  let maxMs = -Infinity;
  let sincePrune = 0;
  let pruneEvery = MIN_PRUNE_INTERVAL;

  /** Same rule and group at most once per period, judged on alert times (late events too). */
  function allowed(rule: CompiledRule, groupKey: string, atMs: number): boolean {
    if (rule.suppressMs <= 0) return true;
    const key = `${rule.rule.id}\u0000${groupKey}`;
    const last = store.get(key);
    if (last !== undefined && Math.abs(atMs - last) < rule.suppressMs) return false;
    store.set(key, last === undefined ? atMs : Math.max(last, atMs));
    return true;
  }

  function alertFor(rule: CompiledRule, event: AuditEvent, atMs: number): Alert | undefined {
    const key = rule.groupKey(event);
    if (!allowed(rule, key, Number.isFinite(atMs) ? atMs : (options.now().getTime()))) return undefined;
    const { id, title, severity } = rule.rule;
    const alert: Alert = {
      id: fingerprint(id, key, event.id),
      time: event.time,
      rule: { id, title, severity },
      summary: '',
      event,
      count: 1,
      group: rule.groupObject(event),
      window: null,
    };
    alert.summary = summarize(rule.rule, alert);
    return alert;
  }

  function pruneAll(end: number): void {
    let groups = 0;
    for (const [rule, state] of states) groups += state.prune(end - rule.lookbackMs);
    // Pruning costs one pass over the groups, so it runs at most once per that many events.
    pruneEvery = Math.max(MIN_PRUNE_INTERVAL, groups);
    sincePrune = 0;
  }

  function push(event: AuditEvent): Alert[] {
    const time = event.time;
    if (time !== lastTime) {
      lastMs = Date.parse(time);
      lastTime = typeof time === 'string' ? time : NaN; // NaN equals nothing
    }
    const ms = lastMs;
    if (Number.isFinite(ms) && ms > maxMs) maxMs = ms;
    let out: Alert[] | undefined;
    const candidates = ruleSet.candidates(event.name);
    for (let i = 0; i < candidates.length; i++) {
      const rule = candidates[i];
      if (!rule.test(event)) continue;
      onMatch?.(rule, event);
      if (rule.kind === 'event') {
        const alert = alertFor(rule, event, ms);
        if (alert) (out ??= []).push(alert);
        continue;
      }
      if (!Number.isFinite(ms)) continue;
      const end = untilMs ?? maxMs;
      // Outside every window this rule will look at: (end - lookback, end].
      if (ms > end || ms <= end - rule.lookbackMs) continue;
      stateAt[rule.index]!.add(rule.groupKey(event), event, ms, rule.distinctOf?.(event), rule.groupObject);
    }
    if (states.size > 0 && ++sincePrune >= pruneEvery) pruneAll(untilMs ?? maxMs);
    return out ?? NO_ALERTS;
  }

  function finish(): Alert[] {
    const end = untilMs ?? (Number.isFinite(maxMs) ? maxMs : options.now().getTime());
    const out: Alert[] = [];
    for (const [rule, state] of states) {
      state.prune(end - rule.lookbackMs);
      const window = { start: isoTime(end - rule.windowMs), end: isoTime(end) };
      for (const r of state.evaluate(end, rule.windowMs)) {
        const current = rule.kind === 'distinct' ? r.distinct : r.current;
        if (!rule.fires(current, r.previous) || !allowed(rule, r.key, end)) continue;
        const { id, title, severity } = rule.rule;
        const alert: Alert = {
          id: fingerprint(id, r.key, window.start, window.end),
          time: window.end,
          rule: { id, title, severity },
          summary: '',
          event: r.last,
          count: current,
          group: r.group,
          window,
        };
        alert.summary = summarize(rule.rule, alert, rule.kind === 'spike' ? r.previous : undefined);
        out.push(alert);
      }
    }
    return out;
  }

  function matches(event: AuditEvent): string[] {
    return ruleSet.candidates(event.name).filter((r) => r.test(event)).map((r) => r.rule.id);
  }

  const retained = () => [...states.values()].reduce((n, s) => n + s.size(), 0);
  return { push, finish, matches, retained };
}
