import { isLogin, isRoot } from '../../src/events/index.js';
import type { AuditEvent } from '../../src/events/index.js';
import { compileRules, type LoadedRule } from '../../src/rules/compile.js';
import { createEngine, type EngineOptions } from '../../src/rules/engine.js';
import { ruleSchema, type RuleSpecInput } from '../../src/rules/schema.js';
import type { Alert } from '../../src/rules/model.js';

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
