import type * as z from 'zod';
import type { AuditEvent } from '../../events/index.js';
import type { Clock } from '../../util/clock.js';
import type { CompiledRule } from '../compile.js';
import type { Alert } from '../model.js';
import type { Locale } from '../../util/locale.js';

/** What every rule's state gets from the engine. */
export interface RuleRuntime {
  now: Clock;
  /** How long after newer events an event may still arrive; window history is kept this much longer. */
  latenessMs: number;
  /** Same rule and group at most once per suppress period, judged on alert (event) times; records the alert. */
  allowed(rule: CompiledRule, groupKey: string, atMs: number): boolean;
  /** Languages alerts are described in: the run's first, then those only some notifiers use. */
  locales: readonly Locale[];
}

/**
 * Where a fresh state's data begins. Events after `historyFromMs` are all pushed, so a point
 * is judged only when its whole lookback lies after it; `firstPointMs` is the earliest
 * point to judge (undefined: the first event pushed decides, as a replay does).
 */
export interface RuleStart {
  historyFromMs: number;
  firstPointMs?: number;
}

export interface RuleInit {
  start: RuleStart;
  /** A snapshot this rule's state wrote in an earlier run (already matched to the rule's definition). */
  snapshot?: unknown;
}

export interface RuleState {
  /**
   * An event the rule's condition matched, with its time in ms. `fresh` is false for events an
   * earlier run already evaluated: they never alert on their own, and a state restored from a
   * snapshot has counted them already. Returns a per-event alert, if any.
   */
  push(event: AuditEvent, ms: number, fresh: boolean): Alert | undefined;
  /** Judges every evaluation point up to the watermark not judged before, and again those late events changed. */
  advance(watermarkMs: number): Alert[];
  /** Everything the state needs to go on in the next run, as plain JSON; undefined when it keeps nothing. */
  snapshot(): unknown;
  /** Entries held, to show memory stays bounded by the windows however many events pass. */
  retained(): number;
  /** Events that came too late to be counted (older than the history kept). */
  dropped(): number;
  /** The next evaluation point this state will judge, if it judges points. */
  resumesAt?(): number | undefined;
}

export interface RuleTypePlugin<O extends z.ZodType = z.ZodType> {
  type: string;
  /** The rule key that selects this type and holds its options (`count: { gte: 20 }`); none for the default. */
  key?: string;
  /** Options under `key`, validated with the rule. */
  options?: O;
  /** Whether the type judges windows (and so needs `window:`). */
  windowed: boolean;
  /** How many windows back an evaluation point reads: 2 for a spike, which compares with the window before. */
  lookbackWindows?: number;
  /**
   * Field paths (besides groupBy and the id) the state reads from an event when it is pushed,
   * if it keeps the event only to show it in an alert or a snapshot (rules/deferred.ts): such a
   * rule can count stand-ins of events judged on another thread. Absent: it needs whole events.
   */
  deferredFields?: (rule: Record<string, unknown>) => string[];
  /** The shape of what `snapshot()` writes; a stored snapshot that does not match is not restored. */
  snapshot?: z.ZodType;
  /** `options` is the rule's value under `key`, as `options` parsed it. */
  create(rule: CompiledRule, runtime: RuleRuntime, init: RuleInit, options: z.output<O>): RuleState;
}

/** Typed identity: the rule type's options flow into `create`. */
export function defineRuleType<O extends z.ZodType>(plugin: RuleTypePlugin<O>): RuleTypePlugin<O> {
  return plugin;
}
