import { compileRules, createEngine, type LoadedRule } from '../rules/index.js';
import type { Alert, SuppressionStore } from '../rules/types.js';
import type { AuditEvent } from '../events/index.js';
import type { Clock } from '../util/clock.js';

export interface CheckEngine {
  /** `fresh` is false for events an earlier run already evaluated: they only feed windows. */
  push(event: AuditEvent, fresh: boolean): Alert[];
  finish(): Alert[];
}

export interface CheckRules {
  lookbackMs: number;
  hasAggregates: boolean;
  engine(until: Date | undefined, suppression: SuppressionStore): CheckEngine;
  /** The rule's `notify:` list; undefined means every notifier. */
  routes(alert: Alert): readonly string[] | undefined;
}

/**
 * Splits the rules in two engines: per-event rules see only events not evaluated before (so an
 * overlapping run cannot alert twice), window rules see every event in their windows (so a cron
 * run every minute still counts the last five minutes).
 */
export function checkRules(enabled: LoadedRule[], now: Clock): CheckRules {
  const perEvent = compileRules(enabled.filter((r) => r.window === undefined));
  const windowed = compileRules(enabled.filter((r) => r.window !== undefined));
  const notify = new Map(enabled.map((r) => [r.id, r.notify]));
  return {
    lookbackMs: windowed.lookbackMs,
    hasAggregates: windowed.rules.length > 0,
    routes: (alert) => notify.get(alert.rule.id),
    engine(until, suppression) {
      const events = createEngine(perEvent, { until, now, suppression });
      const windows = createEngine(windowed, { until, now, suppression });
      return {
        push(event, fresh) {
          // Window rules alert only in finish(), so this is almost always one empty array: no copying.
          const fromWindows = windows.push(event);
          if (!fresh) return fromWindows;
          const fromEvents = events.push(event);
          return fromWindows.length === 0 ? fromEvents : fromEvents.concat(fromWindows);
        },
        finish: () => [...events.finish(), ...windows.finish()],
      };
    },
  };
}
