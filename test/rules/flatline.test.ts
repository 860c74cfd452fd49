import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/events/index.js';
import { compileRules } from '../../src/rules/compile.js';
import { createEngine, usableStates, type StoredRuleState } from '../../src/rules/engine.js';
import { memorySuppression, type Alert } from '../../src/rules/model.js';
import { at, ev, rule, ruleIssues, run } from './helpers.js';

const base = { id: 'silent', when: {}, window: '10m' };
const MIN = 60;
const LATE = 15 * MIN;
/** One event a minute in [from, to) minutes, in a region. */
const steady = (from: number, to: number, region = 'ap-guangzhou') => Array.from({ length: to - from }, (_, i) => ev({ time: at((from + i) * MIN), region }));

describe('flatline options', () => {
  it.each([[{ lt: 1 }], [{ lt: 5, forget: '1d' }], [{ lt: 1, forget: '90d' }]])('valid: %j', (flatline) => {
    expect(ruleIssues({ ...base, flatline })).toEqual([]);
    expect(ruleIssues({ ...base, flatline, groupBy: ['account', 'region'] })).toEqual([]);
  });

  it.each([
    [{}, 'flatline.lt: Invalid input'],
    [{ lt: 0 }, 'flatline.lt: Too small'],
    [{ lt: 1.5 }, 'flatline.lt'],
    [{ lt: '1' }, 'flatline.lt'],
    [{ lt: 1, forget: 0 }, 'flatline.forget: must be longer than 0'],
    [{ lt: 1, forget: '91d' }, 'flatline.forget: at most 90d'],
    [{ lt: 1, gte: 2 }, 'flatline: Unrecognized key: "gte"'],
  ])('invalid: %j → %s', (flatline, want) => {
    const issues = ruleIssues({ ...base, flatline });
    expect(issues.some((l) => l.startsWith(want)), `${JSON.stringify(issues)} should contain ${want}`).toBe(true);
  });

  it.each([
    [{ id: 'silent', when: {}, flatline: { lt: 1 } }, 'flatline: flatline needs a window'],
    [{ ...base, flatline: { lt: 1 }, count: { gte: 1 } }, 'flatline: give only one of count, flatline'],
  ])('invalid rule: %j → %s', (input, want) => {
    expect(ruleIssues(input)).toContain(want);
  });
});

describe('flatline: quiet groups', () => {
  const r = { ...base, flatline: { lt: 1 }, groupBy: ['region'] };

  it('alerts once per quiet spell, at the first point whose window is empty, and again after the group came back', () => {
    const events = [...steady(0, 30), ...steady(90, 100)];
    const alerts = run([{ ...r, suppress: 0 }], events, { until: new Date(at(200 * MIN)) });
    expect(alerts.map((a) => [a.time, a.count, a.event.time, a.window])).toEqual([
      [at(39 * MIN), 0, at(29 * MIN), { start: at(29 * MIN), end: at(39 * MIN) }],
      [at(109 * MIN), 0, at(99 * MIN), { start: at(99 * MIN), end: at(109 * MIN) }],
    ]);
  });

  it('a group never seen cannot flatline, and one first seen inside the window is not judged yet', () => {
    const events = [...steady(0, 60, 'ap-guangzhou'), ev({ time: at(30 * MIN), region: 'ap-shanghai' }), ev({ time: at(31 * MIN), region: 'ap-shanghai' })];
    const alerts = run([{ ...base, flatline: { lt: 3 }, groupBy: ['region'] }], events, { until: new Date(at(75 * MIN)) });
    // Shanghai's first windows hold 1 and 2 events: judged only from 40m on (seen before the window), when it has none.
    expect(alerts.map((a) => [a.group, a.time])).toEqual([[{ region: 'ap-shanghai' }, at(40 * MIN)]]);
  });

  it('is judged once the watermark is lateness past the point, when late events can no longer prove it wrong', () => {
    const rs = compileRules([rule(r)]);
    const engine = createEngine(rs, { now: () => new Date(), latenessMs: LATE * 1000 });
    for (const e of steady(0, 30)) engine.push(e);
    expect(engine.advance(Date.parse(at(39 * MIN + LATE)) - 1)).toEqual([]);
    expect(engine.advance(Date.parse(at(39 * MIN + LATE))).map((a) => a.time)).toEqual([at(39 * MIN)]);
  });

  it('a group silent for longer than forget is forgotten', () => {
    const alerts = run([{ ...r, flatline: { lt: 1, forget: '5m' } }], steady(0, 30), { until: new Date(at(120 * MIN)) });
    expect(alerts).toEqual([]);
  });

  it('the summary says how few, in English and Chinese', () => {
    const rs = compileRules([rule({ ...r, title: 'Trail silent' })]);
    const engine = createEngine(rs, { now: () => new Date(), locales: ['zh-CN', 'en'] });
    for (const e of steady(0, 5)) engine.push(e);
    const [alert] = engine.advance(Date.parse(at(60 * MIN)));
    expect(alert.summary).toMatch(/^Trail silent：10 分钟内没有匹配事件（少于 1 个）（region=ap-guangzhou）；最近一次：alice 调用/);
    expect(alert.l10n?.en?.summary).toMatch(/^Trail silent: no matching events in 10m \(fewer than 1\) for region=ap-guangzhou; last: alice called/);
  });
});

describe('flatline: cron runs and one backfill', () => {
  /** Every minute a run fetches what has shown up by then: each event `delay(i)` minutes after its time (at most the lateness). */
  function cronWithDelays(r: Parameters<typeof rule>[0], events: AuditEvent[], delay: (e: AuditEvent, i: number) => number, lastMinute: number): Alert[] {
    const rs = compileRules([rule(r)]);
    const suppression = memorySuppression();
    const visible = events.map((e, i) => Date.parse(e.time) + delay(e, i) * 60_000);
    let saved: readonly StoredRuleState[] = [];
    const out: Alert[] = [];
    for (let m = 1; m <= lastMinute; m++) {
      const end = Date.parse(at(m * MIN));
      const restored = usableStates(rs, JSON.parse(JSON.stringify(saved)), (msg) => expect.fail(msg));
      const engine = createEngine(rs, { now: () => new Date(end), suppression, latenessMs: LATE * 1000, restored, start: { historyFromMs: Date.parse(at(0)) - 600_000, firstPointMs: Date.parse(at(0)) } });
      events.forEach((e, i) => visible[i] <= end && visible[i] > end - 60_000 && engine.push(e));
      out.push(...engine.advance(end));
      saved = engine.states();
    }
    return out;
  }

  it('give the same alerts, with events arriving up to the lateness late', () => {
    const r = { ...base, flatline: { lt: 2 }, groupBy: ['region'] };
    const events = [...steady(0, 40), ...steady(55, 70), ...steady(5, 25, 'ap-shanghai'), ...steady(50, 52, 'ap-shanghai'), ...steady(80, 82, 'ap-beijing')];
    events.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    const backfill = run([r], events, { until: new Date(at(150 * MIN)) });
    expect(backfill.length).toBeGreaterThanOrEqual(4);
    // Shanghai's events all show up 14 minutes late: judged at once, its windows would look empty.
    const cron = cronWithDelays(r, events, (e, i) => (e.region === 'ap-shanghai' ? 14 : (i * 7) % 14), 150);
    expect(cron.map((a) => [a.id, a.time, a.event.id])).toEqual(backfill.map((a) => [a.id, a.time, a.event.id]));
  });

  it('memory stays bounded by the window plus lateness per group while streaming', () => {
    const rs = compileRules([rule({ ...base, flatline: { lt: 1 }, groupBy: ['actor.accessKeyId'] })]);
    const engine = createEngine(rs, { now: () => new Date(), latenessMs: LATE * 1000 });
    let peak = 0;
    for (let i = 0; i < 100_000; i++) {
      const e = ev({ time: at(i), actor: { accessKeyId: `K${i % 20}` } });
      engine.push(e);
      if (i % 60 === 0) engine.advance(Date.parse(e.time) - 1);
      if (i % 5_000 === 0) peak = Math.max(peak, engine.retained());
    }
    // Per key: one entry, plus minute buckets over window + lateness + a little pruning slack.
    expect(peak).toBeLessThan(20 * (1 + 10 + 15 + 17));
  });
});
