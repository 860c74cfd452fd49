import { isLogin, isRoot } from '../../src/events/index.js';
import type { AuditEvent } from '../../src/events/index.js';
import { compileRules, type LoadedRule, type RuleSet } from '../../src/rules/compile.js';
import { createEngine, DEFAULT_LATENESS_MS, usableStates, type EngineOptions, type StoredRuleState } from '../../src/rules/engine.js';
import { ruleSchema, type RuleSpecInput } from '../../src/rules/schema.js';
import { memorySuppression, type Alert } from '../../src/rules/model.js';
import type { RuleStart } from '../../src/rules/types/define.js';

type Patch = Partial<Omit<AuditEvent, 'actor'>> & { actor?: Partial<AuditEvent['actor']> };

let seq = 0;

/** A normalized event with harmless defaults; pass only what the test is about. */
export function ev(patch: Patch = {}): AuditEvent {
  seq++;
  const { actor, ...rest } = patch;
  return {
    id: `evt-${seq}`,
    time: '2026-01-01T00:00:00Z',
    provider: 'tencentcloud',
    account: '100000000001',
    region: 'ap-guangzhou',
    name: 'DescribeInstances',
    type: 'ApiCall',
    service: 'cvm',
    readOnly: true,
    actor: { type: 'CAMUser', id: '200000000001', name: 'alice', accessKeyId: 'AKIDalice', ...actor, root: actor?.root ?? isRoot(actor?.type ?? 'CAMUser') },
    sourceIp: '203.0.113.7',
    userAgent: null,
    error: null,
    sensitive: false,
    resources: [],
    requestId: null,
    raw: {},
    login: isLogin(rest.name ?? 'DescribeInstances'),
    ...rest,
  };
}

/** `2026-01-01T00:MM:SSZ` for a number of seconds after midnight. */
export function at(seconds: number): string {
  return new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString().replace('.000Z', 'Z');
}

export function rule(input: RuleSpecInput): LoadedRule {
  const spec = ruleSchema.parse(input);
  return { ...spec, title: spec.title ?? spec.id, severity: spec.severity ?? 'medium', enabled: spec.enabled ?? true, origin: 'inline' };
}

/**
 * Pushes every event through the rules, then judges every evaluation point up to `until` (else
 * up to the latest event), as a replay does; all alerts in order.
 */
export function run(rules: RuleSpecInput[], events: AuditEvent[], options: Partial<EngineOptions> & { until?: Date } = {}): Alert[] {
  const { until, ...rest } = options;
  const engine = createEngine(compileRules(rules.map(rule)), { now: () => new Date('2030-01-01T00:00:00Z'), ...rest });
  return [...events.flatMap((e) => engine.push(e)), ...(until ? engine.advance(until.getTime()) : engine.finish())];
}

/** Issues of a rule as `path: message` lines. */
export function ruleIssues(input: unknown): string[] {
  const result = ruleSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/**
 * The same events as cron runs ending at `ends` (the last one the backfill's end): each run
 * restores what the one before saved (through JSON, as the state file does), is given the events
 * up to its end from one lateness before the previous end on (the overlap no longer fresh), and
 * judges up to its end. Alerts already raised by an earlier run are dropped, as the pipeline does.
 */
export function cronRuns(ruleSet: RuleSet, events: AuditEvent[], ends: number[], options: { start?: RuleStart; latenessMs?: number } = {}): Alert[] {
  const suppression = memorySuppression();
  const lateness = options.latenessMs ?? DEFAULT_LATENESS_MS;
  const raised = new Set<string>();
  const out: Alert[] = [];
  let saved: readonly StoredRuleState[] = [];
  let prev = -Infinity;
  for (const end of ends) {
    const restored = usableStates(ruleSet, JSON.parse(JSON.stringify(saved)), (m) => {
      throw new Error(m);
    });
    const start = prev === -Infinity ? options.start : { historyFromMs: prev - ruleSet.lookbackMs, firstPointMs: prev };
    const engine = createEngine(ruleSet, { now: () => new Date(end), suppression, latenessMs: lateness, restored, start });
    const alerts: Alert[] = [];
    for (const e of events) {
      const ms = Date.parse(e.time);
      if (ms <= end && ms > prev - lateness) alerts.push(...engine.push(e, ms > prev));
    }
    alerts.push(...engine.advance(end));
    for (const a of alerts) if (!raised.has(a.id) && raised.add(a.id)) out.push(a);
    saved = engine.states();
    prev = end;
  }
  return out;
}
