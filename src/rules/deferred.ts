import type { AuditEvent } from '../events/index.js';
import type { CompiledRule } from './compile.js';

/**
 * Events judged ahead of the rule engine (a parallel replay: sources/file/parallel/). A worker
 * thread has already run every rule's `when` on the event, so it reaches the engine as a
 * stand-in carrying which rules matched (MATCHED), and, for an event that only window rules
 * matched, only the fields those rules read when counting: handing every full event from a worker
 * to the main thread would cost about as much as parsing it there. The full event is read
 * again (MATERIALIZE) only when an alert or a saved state shows it.
 */
export const MATCHED: unique symbol = Symbol('audit.matched');
export const MATERIALIZE: unique symbol = Symbol('audit.materialize');

/** The rules a worker found matching, in rule order; absent on events the engine must test itself. */
export function matchedRules(event: AuditEvent): readonly CompiledRule[] | undefined {
  return (event as unknown as { [MATCHED]?: readonly CompiledRule[] })[MATCHED];
}

/** The event itself, or the full event a stand-in stands for (read again from its file). */
export function fullEvent(event: AuditEvent): AuditEvent {
  const materialize = (event as unknown as { [MATERIALIZE]?: () => AuditEvent })[MATERIALIZE];
  return materialize === undefined ? event : materialize.call(event);
}

/**
 * What a window rule reads from an event when it counts it, as top-level event fields (group
 * fields, a distinct field, the id); null when its state needs the whole event at once (a
 * per-event alert, a baseline's summary): such events are handed over whole.
 */
export function fieldsAtPush(rule: CompiledRule): string[] | null {
  const own = rule.type.deferredFields?.(rule.rule as unknown as Record<string, unknown>);
  if (own === undefined) return null;
  const paths = [...(rule.rule.groupBy ?? []), ...own];
  return [...new Set(['id', 'time', ...paths.map((p) => p.split('.')[0])])];
}
