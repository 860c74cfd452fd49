import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/rules/compile.js';
import { createEngine } from '../../src/rules/engine.js';
import { memorySuppression } from '../../src/rules/model.js';
import { at, ev, rule, run } from './helpers.js';

const failed = { code: 'InternalError', message: 'boom' };
const failures = (count: number, fromSecond: number, toSecond: number) =>
  Array.from({ length: count }, (_, i) => ev({ error: failed, time: at(fromSecond + Math.floor(((toSecond - fromSecond) * i) / count)) }));

const spikeRule = { id: 'spike', when: { error: { exists: true } }, window: '5m', spike: { increase: '30%', minCount: 5 } };

describe('per-event rules', () => {
  it('alerts once per matching event, with a stable id and the event time', () => {
    const e = ev({ name: 'DeleteBucket', time: at(10) });
    const [a] = run([{ id: 'del', when: { name: 'Delete*' }, severity: 'high' }], [e, ev({ name: 'ListBuckets' })]);
    expect(a).toMatchObject({ time: at(10), rule: { id: 'del', title: 'del', severity: 'high' }, count: 1, group: null, window: null });
    expect(a.event).toBe(e);
    expect(a.id).toMatch(/^[0-9a-f]{64}$/);
    const [again] = run([{ id: 'del', when: { name: 'Delete*' }, severity: 'high' }], [e]);
    expect(again.id).toBe(a.id);
    expect(a.summary).toContain('del: alice called DeleteBucket (cvm, ap-guangzhou) from 203.0.113.7');
  });

  it('renders a summary template against the alert and the event', () => {
    const [a] = run([{ id: 'x', when: { name: 'A' }, summary: '{{rule.id}}: {{actor.name}} from {{sourceIp}}' }], [ev({ name: 'A' })]);
    expect(a.summary).toBe('x: alice from 203.0.113.7');
  });

  it('suppresses the same rule and group within the period, judged on event times', () => {
    const r = { id: 'root', when: { 'actor.type': 'Root' }, groupBy: ['actor.accessKeyId'], suppress: '30m' };
    const root = (key: string, s: number) => ev({ actor: { type: 'Root', accessKeyId: key }, time: at(s) });
    const alerts = run([r], [root('K1', 0), root('K1', 600), root('K2', 700), root('K1', 1800), root('K1', 1799 + 1800)]);
    expect(alerts.map((a) => [a.group, a.time])).toEqual([
      [{ 'actor.accessKeyId': 'K1' }, at(0)],
      [{ 'actor.accessKeyId': 'K2' }, at(700)],
      [{ 'actor.accessKeyId': 'K1' }, at(1800)],
    ]);
  });

  it('a late event older than the last alert by less than the period is suppressed too', () => {
    const r = { id: 'r', when: { name: 'A' }, suppress: '10m' };
    const alerts = run([r], [ev({ name: 'A', time: at(1200) }), ev({ name: 'A', time: at(900) }), ev({ name: 'A', time: at(0) })]);
    expect(alerts.map((a) => a.time)).toEqual([at(1200), at(0)]);
  });
});

describe('count windows', () => {
  const burst = { id: 'burst', when: { name: 'A' }, window: '5m', count: { gte: 3 }, groupBy: 'actor.name' };

  it('alerts per group when the count in (end - window, end] reaches the threshold', () => {
    const events = [
      ...[10, 20, 30].map((s) => ev({ name: 'A', time: at(s), actor: { name: 'bob' } })),
      ...[10, 20].map((s) => ev({ name: 'A', time: at(s), actor: { name: 'eve' } })),
    ];
    const alerts = run([burst], events, { until: new Date(at(60)) });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 3, group: { 'actor.name': 'bob' }, time: at(60), window: { start: at(-240), end: at(60) } });
    expect(alerts[0].event.time).toBe(at(30));
  });

  it('without until, windows end at the latest event time seen, whatever the arrival order', () => {
    const events = [400, 100, 390, 380].map((s) => ev({ name: 'A', time: at(s), actor: { name: 'bob' } }));
    const alerts = run([burst], events);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].window).toEqual({ start: at(100), end: at(400) });
    expect(alerts[0].count).toBe(3); // 100 is at the exclusive start
    expect(alerts[0].event.time).toBe(at(400));
  });

  it('ignores events after until and before the window', () => {
    const events = [0, 100, 700, 701].map((s) => ev({ name: 'A', time: at(s), actor: { name: 'bob' } }));
    expect(run([burst], events, { until: new Date(at(600)) })).toHaveLength(0);
  });

  it('supports gt', () => {
    const r = { ...burst, count: { gt: 3 } };
    const three = [1, 2, 3].map((s) => ev({ name: 'A', time: at(s), actor: { name: 'bob' } }));
    expect(run([r], three)).toHaveLength(0);
    expect(run([r], [...three, ev({ name: 'A', time: at(4), actor: { name: 'bob' } })])).toHaveLength(1);
  });
});

describe('spike windows', () => {
  const until = new Date(at(600));

  it('10 → 14 failures (+40%) alerts', () => {
    const alerts = run([spikeRule], [...failures(10, 1, 300), ...failures(14, 301, 600)], { until });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 14, window: { start: at(300), end: at(600) } });
    expect(alerts[0].summary).toContain('rose 40% (10 → 14)');
  });

  it('10 → 12 failures (+20%) does not', () => {
    expect(run([spikeRule], [...failures(10, 1, 300), ...failures(12, 301, 600)], { until })).toHaveLength(0);
  });

  it('exactly +30% does not (strictly greater, like the seed’s res > 0.3)', () => {
    expect(run([spikeRule], [...failures(10, 1, 300), ...failures(13, 301, 600)], { until })).toHaveLength(0);
  });

  it('an empty previous window fires once the current reaches minCount', () => {
    expect(run([spikeRule], failures(4, 301, 600), { until })).toHaveLength(0);
    expect(run([spikeRule], failures(5, 301, 600), { until })).toHaveLength(1);
  });

  it('minCount guards tiny numbers', () => {
    expect(run([spikeRule], [...failures(2, 1, 300), ...failures(4, 301, 600)], { until })).toHaveLength(0);
  });

  it('events older than two windows do not count as the previous window', () => {
    expect(run([spikeRule], [...failures(10, -300, -1), ...failures(6, 301, 600)], { until })).toHaveLength(1);
  });

  it('decrease fires when the count falls by more than the percentage', () => {
    const drop = { ...spikeRule, spike: { decrease: '50%', minCount: 5 } };
    expect(run([drop], [...failures(10, 1, 300), ...failures(4, 301, 600)], { until })).toHaveLength(1);
    expect(run([drop], [...failures(10, 1, 300), ...failures(5, 301, 600)], { until })).toHaveLength(0);
    expect(run([drop], [...failures(4, 1, 300)], { until })).toHaveLength(0);
  });
});

describe('distinct windows', () => {
  const r = { id: 'ips', when: { name: 'ConsoleLogin' }, window: '10m', distinct: { field: 'sourceIp', gte: 3 }, groupBy: ['actor.name'] };
  const login = (ip: string, s: number) => ev({ name: 'ConsoleLogin', sourceIp: ip, time: at(s) });

  it('counts different values per group in the window', () => {
    const alerts = run([r], [login('1.1.1.1', 10), login('1.1.1.1', 20), login('2.2.2.2', 30), login('3.3.3.3', 40)]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].count).toBe(3);
    expect(alerts[0].summary).toContain('3 distinct sourceIp values in 10m for actor.name=alice');
  });

  it('repeats of one value do not add up', () => {
    expect(run([r], [login('1.1.1.1', 10), login('1.1.1.1', 20), login('2.2.2.2', 30), login('2.2.2.2', 40)])).toHaveLength(0);
  });

  it('values seen only before the window do not count', () => {
    expect(run([r], [login('1.1.1.1', 0), login('2.2.2.2', 700), login('3.3.3.3', 800)])).toHaveLength(0);
  });
});

describe('aggregate suppression across runs (cron every minute)', () => {
  it('defaults to one alert per window for the same group, then alerts again', () => {
    const rs = compileRules([rule({ id: 'b', when: { name: 'A' }, window: '5m', count: { gte: 3 } })]);
    const store = memorySuppression();
    const events = [0, 10, 20, 30, 400, 410, 420].map((s) => ev({ name: 'A', time: at(s) }));
    const fired: string[] = [];
    for (let minute = 1; minute <= 8; minute++) {
      const until = new Date(at(minute * 60));
      const engine = createEngine(rs, { until, now: () => until, suppression: store });
      for (const e of events) engine.push(e);
      fired.push(...engine.finish().map((a) => a.time));
    }
    // Minutes 1-5 see the first burst: one alert. Minute 7 sees the second (5m after the first).
    expect(fired).toEqual([at(60), at(420)]);
  });

  it('suppress: 0 turns it off', () => {
    const rs = compileRules([rule({ id: 'b', when: { name: 'A' }, window: '5m', count: { gte: 1 }, suppress: 0 })]);
    const store = memorySuppression();
    let n = 0;
    for (const minute of [1, 2]) {
      const until = new Date(at(minute * 60));
      const engine = createEngine(rs, { until, now: () => until, suppression: store });
      engine.push(ev({ name: 'A', time: at(5) }));
      n += engine.finish().length;
    }
    expect(n).toBe(2);
  });
});

describe('memory', () => {
  it('stays bounded by the windows while streaming many events', () => {
    const rs = compileRules([
      rule(spikeRule),
      rule({ id: 'per-key', when: { error: { exists: true } }, window: '5m', count: { gte: 1000 }, groupBy: ['actor.accessKeyId'] }),
      rule({ id: 'ips', when: { error: { exists: true } }, window: '5m', distinct: { field: 'sourceIp', gte: 1000 } }),
    ]);
    const engine = createEngine(rs, { now: () => new Date() });
    let peak = 0;
    for (let i = 0; i < 200_000; i++) {
      // One event per second for ~55 hours, 50 keys, ever-new source addresses.
      const e = ev({ error: failed, time: at(i), actor: { accessKeyId: `K${i % 50}` }, sourceIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
      engine.push(e);
      if (i % 10_000 === 0) peak = Math.max(peak, engine.retained());
    }
    engine.finish();
    // After a prune: two 5m windows of one-second counts for the spike, one for the per-key
    // counts, one of counts and one of values for distinct. Between prunes (every 4096 events)
    // each event adds at most four entries.
    const settled = 600 + 300 + 300 + 300;
    expect(peak).toBeLessThan(settled + 4 * 4096);
    expect(engine.retained()).toBeLessThanOrEqual(settled);
  });
});

describe('lookback', () => {
  it('is the longest history a rule needs: two windows for a spike', () => {
    expect(compileRules([rule(spikeRule), rule({ id: 'c', when: {}, window: '15m', count: { gte: 1 } })]).lookbackMs).toBe(15 * 60_000);
    expect(compileRules([rule({ ...spikeRule, window: '10m' })]).lookbackMs).toBe(20 * 60_000);
    expect(compileRules([rule({ id: 'e', when: { name: 'A' } })]).lookbackMs).toBe(0);
  });
});

describe('summaries', () => {
  it('stay on one line whatever the event text holds', () => {
    const e = ev({ name: 'A', actor: { name: 'eve\nFAKE ALERT: all clear\u0007' } });
    const [templated] = run([{ id: 't', when: { name: 'A' }, summary: '{{actor.name}} did {{name}}' }], [e]);
    expect(templated.summary).toBe('eve FAKE ALERT: all clear did A');
    const [plain] = run([{ id: 'p', when: { name: 'A' } }], [e]);
    expect(plain.summary).not.toMatch(/[\n\u0007]/);
  });
});
