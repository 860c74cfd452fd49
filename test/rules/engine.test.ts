import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/rules/compile.js';
import { createEngine, usableStates } from '../../src/rules/engine.js';
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
    expect(a.summary).toContain('del: alice called DeleteBucket (cvm, ap-guangzhou, account 100000000001) from 203.0.113.7');
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

describe('count windows, judged at evaluation points', () => {
  const burst = { id: 'burst', when: { name: 'A' }, window: '5m', count: { gte: 3 }, groupBy: 'actor.name' };
  const bob = (s: number) => ev({ name: 'A', time: at(s), actor: { name: 'bob' } });

  it('alerts at the first point T (a whole minute) whose window (T - 5m, T] holds the threshold', () => {
    const events = [...[10, 20, 30].map(bob), ...[10, 20].map((s) => ev({ name: 'A', time: at(s), actor: { name: 'eve' } }))];
    const alerts = run([burst], events, { until: new Date(at(600)) });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 3, group: { 'actor.name': 'bob' }, time: at(60), window: { start: at(-240), end: at(60) } });
    expect(alerts[0].event.time).toBe(at(30));
  });

  it('a burst in the middle of a long range alerts, not only one at its end', () => {
    const events = [...[3600, 3610, 3620].map(bob), bob(7200)];
    const alerts = run([burst], events, { until: new Date(at(7260)) });
    expect(alerts.map((a) => a.time)).toEqual([at(3660)]);
  });

  it('without until, points run to the first one at or after the latest event', () => {
    const alerts = run([burst], [100, 110, 119].map(bob));
    expect(alerts.map((a) => a.time)).toEqual([at(120)]);
  });

  it('ids are a fingerprint of rule, group and point: the same however the events are split', () => {
    const rs = compileRules([rule(burst)]);
    const events = [10, 20, 30, 200, 400, 410, 420].map(bob);
    const whole = createEngine(rs, { now: () => new Date() });
    for (const e of events) whole.push(e);
    const once = whole.advance(Date.parse(at(900))).map((a) => a.id);
    const stepped = createEngine(rs, { now: () => new Date() });
    const ids: string[] = [];
    for (let minute = 0; minute <= 15; minute++) {
      for (const e of events.filter((x) => Date.parse(x.time) <= Date.parse(at(minute * 60)) && Date.parse(x.time) > Date.parse(at(minute * 60 - 60)))) stepped.push(e);
      ids.push(...stepped.advance(Date.parse(at(minute * 60))).map((a) => a.id));
    }
    expect(once).toHaveLength(2);
    expect(ids).toEqual(once);
  });

  it('supports gt', () => {
    const r = { ...burst, count: { gt: 3 } };
    const three = [1, 2, 3].map(bob);
    expect(run([r], three)).toHaveLength(0);
    expect(run([r], [...three, bob(4)])).toHaveLength(1);
  });

  it('every: sets the distance between points', () => {
    const r = { ...burst, window: '10m', every: '5m' };
    expect(run([r], [10, 20, 30].map(bob)).map((a) => a.time)).toEqual([at(300)]);
  });
});

describe('late events', () => {
  const burst = { id: 'burst', when: { name: 'A' }, window: '5m', count: { gte: 3 } };
  const a = (s: number) => ev({ name: 'A', time: at(s) });

  it('judge again the points whose windows they land in, and alert there', () => {
    const engine = createEngine(compileRules([rule(burst)]), { now: () => new Date() });
    for (const e of [a(10), a(20)]) engine.push(e);
    expect(engine.advance(Date.parse(at(600)))).toEqual([]);
    engine.push(a(30)); // arrives after point 10:00 was judged
    const alerts = engine.advance(Date.parse(at(660)));
    expect(alerts.map((x) => [x.time, x.count])).toEqual([[at(60), 3]]);
  });

  it('a burst alerts once however its events trickle in (suppression is judged on event time)', () => {
    const engine = createEngine(compileRules([rule(burst)]), { now: () => new Date() });
    const times = [100, 110, 120, 130, 140, 150];
    const fired: string[] = [];
    for (const [i, t] of [...times].reverse().entries()) {
      engine.push(a(t));
      fired.push(...engine.advance(Date.parse(at(300 + i * 60))).map((x) => x.time));
    }
    expect(fired).toHaveLength(1);
  });

  it('older than lateness behind the watermark, they are counted nowhere and reported', () => {
    const engine = createEngine(compileRules([rule(burst)]), { now: () => new Date(), latenessMs: 60_000 });
    engine.push(a(3600));
    engine.advance(Date.parse(at(3600)));
    engine.push(a(10));
    expect(engine.dropped()).toBe(1);
  });
});

describe('complete data only', () => {
  const burst = { id: 'burst', when: { name: 'A' }, window: '5m', count: { gte: 1 } };
  it('points whose lookback starts before the history are not judged', () => {
    const start = { historyFromMs: Date.parse(at(0)), firstPointMs: Date.parse(at(0)) };
    const engine = createEngine(compileRules([rule(burst)]), { now: () => new Date(), start });
    engine.push(ev({ name: 'A', time: at(30) }));
    // Points 00:01 ... 00:04 read before 00:00: not judged. 00:05 is the first complete one.
    expect(engine.advance(Date.parse(at(600))).map((x) => x.time)).toEqual([at(300)]);
  });
});

describe('spike windows', () => {
  const until = new Date(at(600));
  const spikeAt = <A extends { time: string }>(alerts: A[]) => alerts.filter((x) => x.time === at(600));

  it('10 → 14 failures (+40%) alerts at the point ending the second window', () => {
    // Points every 5m, so the windows are exactly the two halves.
    const alerts = spikeAt(run([{ ...spikeRule, every: '5m' }], [...failures(10, 1, 300), ...failures(14, 301, 600)], { until }));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 14, window: { start: at(300), end: at(600) } });
    expect(alerts[0].summary).toContain('rose 40% (10 → 14)');
  });

  it('10 → 12 failures (+20%) does not', () => {
    expect(spikeAt(run([spikeRule], [...failures(10, 1, 300), ...failures(12, 301, 600)], { until }))).toHaveLength(0);
  });

  it('exactly +30% does not (strictly greater, like the seed’s res > 0.3)', () => {
    expect(spikeAt(run([spikeRule], [...failures(10, 1, 300), ...failures(13, 301, 600)], { until }))).toHaveLength(0);
  });

  it('genuinely empty data counts as zero: 0 → 10 fires once the current window reaches minCount', () => {
    const start = { historyFromMs: Date.parse(at(-600)) };
    expect(run([spikeRule], failures(4, 301, 600), { until, start })).toHaveLength(0);
    const alerts = run([spikeRule], failures(10, 301, 600), { until, start });
    expect(alerts).toHaveLength(1);
    expect(alerts[0].summary).toContain('(0 → 5)');
  });

  it('minCount guards tiny numbers', () => {
    expect(run([spikeRule], [...failures(2, 1, 300), ...failures(4, 301, 600)], { until })).toHaveLength(0);
  });

  it('decrease fires when the count falls by more than the percentage', () => {
    const drop = { ...spikeRule, spike: { decrease: '50%', minCount: 5 } };
    expect(spikeAt(run([drop], [...failures(10, 1, 300), ...failures(4, 301, 600)], { until }))).toHaveLength(1);
    expect(spikeAt(run([drop], [...failures(10, 1, 300), ...failures(5, 301, 600)], { until }))).toHaveLength(0);
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

describe('state across runs (cron every minute)', () => {
  it('a snapshot restored in the next run goes on where it stopped: one alert per burst', () => {
    const rs = compileRules([rule({ id: 'b', when: { name: 'A' }, window: '5m', count: { gte: 3 } })]);
    const store = memorySuppression();
    const events = [0, 10, 20, 30, 400, 410, 420].map((s) => ev({ name: 'A', time: at(s) }));
    const fired: string[] = [];
    let saved: ReturnType<ReturnType<typeof createEngine>['states']> = [];
    for (let minute = 0; minute <= 12; minute++) {
      const until = Date.parse(at(minute * 60));
      const restored = usableStates(rs, JSON.parse(JSON.stringify(saved)), (m) => expect.fail(m));
      const engine = createEngine(rs, { now: () => new Date(until), suppression: store, restored, start: { historyFromMs: Date.parse(at(-600)), firstPointMs: Date.parse(at(0)) } });
      for (const e of events) {
        const ms = Date.parse(e.time);
        if (ms <= until && ms > until - 60_000) engine.push(e);
      }
      fired.push(...engine.advance(until).map((a) => a.time));
      saved = engine.states();
    }
    expect(fired).toEqual([at(60), at(420)]);
  });

  it('a changed rule does not restore the old state', () => {
    const before = compileRules([rule({ id: 'b', when: { name: 'A' }, window: '5m', count: { gte: 3 } })]);
    const after = compileRules([rule({ id: 'b', when: { name: 'A' }, window: '5m', count: { gte: 4 } })]);
    const engine = createEngine(before, { now: () => new Date() });
    engine.push(ev({ name: 'A', time: at(10) }));
    engine.advance(Date.parse(at(60)));
    expect(usableStates(before, engine.states(), () => {}).size).toBe(1);
    expect(usableStates(after, engine.states(), () => {}).size).toBe(0);
  });

  it('a damaged snapshot is reported and not restored', () => {
    const rs = compileRules([rule({ id: 'b', when: { name: 'A' }, window: '5m', count: { gte: 3 } })]);
    const warnings: string[] = [];
    expect(usableStates(rs, [['b', rs.rules[0].stateKey, { groups: 'nope' }]], (m) => warnings.push(m)).size).toBe(0);
    expect(warnings[0]).toMatch(/rule b: its saved window state is unusable/);
  });

  it('suppress: 0 turns suppression off (the same point is still one id)', () => {
    const r = { id: 'b', when: { name: 'A' }, window: '5m', count: { gte: 1 }, suppress: 0 };
    expect(run([r], [ev({ name: 'A', time: at(5) })], { until: new Date(at(300)) }).map((a) => a.time)).toEqual([at(60), at(120), at(180), at(240), at(300)]);
  });
});

describe('memory', () => {
  it('stays bounded by the windows plus lateness while streaming many events', () => {
    const rs = compileRules([
      rule(spikeRule),
      rule({ id: 'per-key', when: { error: { exists: true } }, window: '5m', count: { gte: 1000 }, groupBy: ['actor.accessKeyId'] }),
      rule({ id: 'ips', when: { error: { exists: true } }, window: '5m', distinct: { field: 'sourceIp', gte: 1000 } }),
    ]);
    const engine = createEngine(rs, { now: () => new Date(), latenessMs: 15 * 60_000 });
    let peak = 0;
    for (let i = 0; i < 200_000; i++) {
      // One event per second for ~55 hours, 50 keys, ever-new source addresses.
      const e = ev({ error: failed, time: at(i), actor: { accessKeyId: `K${i % 50}` }, sourceIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
      engine.push(e);
      if (i % 60 === 0) engine.advance(Date.parse(e.time) - 1);
      if (i % 10_000 === 0) peak = Math.max(peak, engine.retained());
    }
    engine.finish();
    // Minute buckets over lookback + lateness (+ one step): 26 for the spike, 21 per key for 50 keys,
    // and for distinct 21 buckets of 60 values each.
    const bound = 27 + 22 * 50 + 22 * 61;
    expect(peak).toBeLessThan(bound);
    expect(engine.retained()).toBeLessThanOrEqual(bound);
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
    // The newline folds into a space; the bell is shown escaped, never rung.
    expect(templated.summary).toBe('eve FAKE ALERT: all clear\\u0007 did A');
    const [plain] = run([{ id: 'p', when: { name: 'A' } }], [e]);
    expect(plain.summary).not.toMatch(/[\n\u0007]/);
  });
});

describe('alerts in the reader\'s language', () => {
  it('describes per-event and window alerts in Chinese, and in English for notifiers that read it', async () => {
    const { compileRules } = await import('../../src/rules/compile.js');
    const { createEngine } = await import('../../src/rules/engine.js');
    const { loadRules } = await import('../../src/rules/load.js');
    const { ev, at } = await import('./helpers.js');
    const ruleSet = compileRules(
      await loadRules(
        [{ builtin: 'resource-deletion' }, { id: 'many-deletes', title: '删除过多', when: { name: 'Delete*' }, window: '5m', count: { gte: 2 }, groupBy: ['actor.name'] }],
        { baseDir: '.' },
      ),
    );
    const engine = createEngine(ruleSet, { now: () => new Date('2026-01-01T01:00:00Z'), locales: ['zh-CN', 'en'] });
    const del = (s: number) => ev({ time: at(s), name: 'DeleteBucket', service: 'cos', readOnly: false, resources: [{ type: 'cos', name: 'logs' }] });
    const first = engine.push(del(10));
    expect(first[0].rule.title).toBe('资源被删除');
    expect(first[0].summary).toBe('资源被删除：alice 调用 DeleteBucket（cos，ap-guangzhou，账号 100000000001），资源 logs，来源 203.0.113.7');
    expect(first[0].l10n?.en).toEqual({ title: 'Resource deleted', summary: 'Resource deleted: alice called DeleteBucket (cos, ap-guangzhou, account 100000000001) on logs from 203.0.113.7' });
    engine.push(del(20));
    const window = engine.finish().find((a) => a.rule.id === 'many-deletes')!;
    expect(window.summary).toBe('删除过多：5 分钟内 2 个匹配事件（actor.name=alice）；最近一次：alice 调用 DeleteBucket（cos，ap-guangzhou，账号 100000000001），资源 logs，来源 203.0.113.7');
    // A title the user wrote is theirs in every language.
    expect(window.l10n?.en?.title).toBe('删除过多');
  });
});
