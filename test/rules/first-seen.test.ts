import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/rules/compile.js';
import { createEngine, usableStates } from '../../src/rules/engine.js';
import { MAX_GROUPS, MAX_VALUES_TOTAL } from '../../src/rules/types/first-seen-baseline.js';
import { at, cronRuns, ev, rule, ruleIssues, run } from './helpers.js';

const base = { id: 'new-ip', when: { name: 'ConsoleLogin' } };
const login = (s: number, ip: string, account = '100000000001') => ev({ name: 'ConsoleLogin', time: at(s), sourceIp: ip, account });
const HOUR = 3600;

describe('firstSeen options', () => {
  it.each([
    [{ field: 'sourceIp' }],
    [{ field: 'sourceIp', per: 'account' }],
    [{ field: 'raw.userIdentity.type', per: ['account', 'region'], learn: 0, forget: '30d', maxValues: 1 }],
    [{ field: 'name', per: ['actor.accessKeyId'], learn: '90d', forget: '365d', maxValues: MAX_VALUES_TOTAL }],
  ])('valid: %j', (firstSeen) => {
    expect(ruleIssues({ ...base, firstSeen })).toEqual([]);
  });

  it.each([
    [{}, 'firstSeen.field: Invalid input'],
    [{ field: 'ip' }, 'firstSeen.field: unknown field "ip"'],
    [{ field: 'sourceIp', per: ['actor.key'] }, 'firstSeen.per'],
    [{ field: 'sourceIp', per: [] }, 'firstSeen.per'],
    [{ field: 'sourceIp', learn: '91d' }, 'firstSeen.learn: at most 90d'],
    [{ field: 'sourceIp', learn: 'a week' }, 'firstSeen.learn: invalid duration "a week"'],
    [{ field: 'sourceIp', forget: 0 }, 'firstSeen.forget: must be longer than 0'],
    [{ field: 'sourceIp', forget: '366d' }, 'firstSeen.forget: at most 365d'],
    [{ field: 'sourceIp', maxValues: 0 }, 'firstSeen.maxValues'],
    [{ field: 'sourceIp', maxValues: 1.5 }, 'firstSeen.maxValues'],
    [{ field: 'sourceIp', maxValues: MAX_VALUES_TOTAL + 1 }, 'firstSeen.maxValues'],
    [{ field: 'sourceIp', gte: 2 }, 'firstSeen: Unrecognized key: "gte"'],
  ])('invalid: %j → %s', (firstSeen, want) => {
    const issues = ruleIssues({ ...base, firstSeen });
    expect(issues.some((l) => l.startsWith(want)), `${JSON.stringify(issues)} should contain ${want}`).toBe(true);
  });

  it.each([
    [{ ...base, window: '5m', firstSeen: { field: 'sourceIp' } }, 'window: window needs one of count, spike, distinct or flatline'],
    [{ ...base, firstSeen: { field: 'sourceIp' }, count: { gte: 1 } }, 'firstSeen: give only one of count, firstSeen'],
  ])('invalid rule: %j → %s', (input, want) => {
    expect(ruleIssues(input)).toContain(want);
  });
});

describe('firstSeen: learning, then alerting', () => {
  const r = { ...base, firstSeen: { field: 'sourceIp', per: ['account'], learn: '1h' } };

  it('records during learn, counted per group from its first event; then alerts once per new value', () => {
    const alerts = run([r], [login(0, '1.1.1.1'), login(600, '2.2.2.2'), login(HOUR, '1.1.1.1'), login(HOUR + 1, '3.3.3.3'), login(HOUR + 2, '3.3.3.3'), login(HOUR + 3, '4.4.4.4', '2')]);
    expect(alerts.map((a) => [a.event.sourceIp, a.group])).toEqual([['3.3.3.3', { account: '100000000001' }]]);
    expect(alerts[0]).toMatchObject({ time: at(HOUR + 1), count: 1, window: null });
  });

  it('learn: 0 alerts on every first value, the first event included', () => {
    const alerts = run([{ ...base, firstSeen: { field: 'sourceIp', learn: 0 } }], [login(0, '1.1.1.1'), login(1, '1.1.1.1'), login(2, '2.2.2.2')]);
    expect(alerts.map((a) => a.event.sourceIp)).toEqual(['1.1.1.1', '2.2.2.2']);
  });

  it('events without the field are neither learned nor alerted', () => {
    const noIp = ev({ name: 'ConsoleLogin', time: at(10), sourceIp: null });
    expect(run([{ ...base, firstSeen: { field: 'sourceIp', learn: 0 } }], [noIp])).toEqual([]);
  });

  it('an event older than the value was first seen is no news; learning counts from the earliest event', () => {
    const late = run([{ ...base, firstSeen: { field: 'sourceIp', learn: '1h' } }], [login(2 * HOUR, '1.1.1.1'), login(0, '2.2.2.2'), login(HOUR + 10, '1.1.1.1'), login(HOUR + 20, '9.9.9.9')]);
    // Learning began at 0 (the late event), so 9.9.9.9 at 1h20 alerts; 1.1.1.1 was known (first seen at 2h, later than 1h10).
    expect(late.map((a) => a.event.sourceIp)).toEqual(['9.9.9.9']);
  });

  it('events an earlier run evaluated are learned but never alert', () => {
    const engine = createEngine(compileRules([rule({ ...base, firstSeen: { field: 'sourceIp', learn: 0 } })]), { now: () => new Date() });
    expect(engine.push(login(0, '1.1.1.1'), false)).toEqual([]);
    expect(engine.push(login(5, '1.1.1.1'))).toEqual([]);
    expect(engine.push(login(6, '2.2.2.2'))).toHaveLength(1);
  });

  it('the summary names the field, the value and the group, in English and Chinese', () => {
    const rs = compileRules([rule({ ...r, title: 'Root signed in from a new IP', firstSeen: { ...r.firstSeen, learn: 0 } })]);
    const [alert] = createEngine(rs, { now: () => new Date(), locales: ['en', 'zh-CN'] }).push(login(0, '203.0.113.9'));
    expect(alert.summary).toBe(
      'Root signed in from a new IP: new sourceIp 203.0.113.9 (first seen; account=100000000001); alice called ConsoleLogin (cvm, ap-guangzhou, account 100000000001) from 203.0.113.9',
    );
    expect(alert.l10n?.['zh-CN']?.summary).toBe(
      'Root signed in from a new IP：首次出现的 sourceIp 203.0.113.9（account=100000000001）；alice 调用 ConsoleLogin（cvm，ap-guangzhou，账号 100000000001），来源 203.0.113.9',
    );
  });
});

describe('firstSeen: the baseline across runs', () => {
  const r = { ...base, firstSeen: { field: 'sourceIp', learn: '10m' } };
  const events = [login(0, '1.1.1.1'), login(60, '2.2.2.2'), ...Array.from({ length: 50 }, (_, i) => login(900 + i * 60, i % 2 ? '1.1.1.1' : '2.2.2.2')), login(4000, '3.3.3.3')];

  it('a restart goes on from the saved baseline: cron runs alert exactly as one backfill, never flood', () => {
    const rs = compileRules([rule(r)]);
    const ends = [300, 1200, 2400, 3600, 4200].map((s) => Date.parse(at(s)));
    const once = run([r], events);
    expect(once.map((a) => a.event.sourceIp)).toEqual(['3.3.3.3']);
    expect(cronRuns(rs, events, ends).map((a) => a.id)).toEqual(once.map((a) => a.id));
  });

  it('without the saved baseline every run learns again (what a restart without state would do)', () => {
    const rs = compileRules([rule({ ...r, firstSeen: { ...r.firstSeen, learn: 0 } })]);
    const engine = createEngine(rs, { now: () => new Date() });
    for (const e of events.slice(0, 10)) engine.push(e);
    const saved = JSON.parse(JSON.stringify(engine.states()));
    const restored = createEngine(rs, { now: () => new Date(), restored: usableStates(rs, saved, (m) => expect.fail(m)) });
    const fresh = createEngine(rs, { now: () => new Date() });
    const later = [login(5000, '1.1.1.1'), login(5001, '2.2.2.2')];
    expect(later.flatMap((e) => restored.push(e))).toEqual([]);
    expect(later.flatMap((e) => fresh.push(e))).toHaveLength(2);
  });

  it('a changed field or group starts afresh', () => {
    const before = compileRules([rule(r)]);
    const after = compileRules([rule({ ...r, firstSeen: { ...r.firstSeen, per: ['account'] } })]);
    const engine = createEngine(before, { now: () => new Date() });
    engine.push(login(0, '1.1.1.1'));
    expect(usableStates(after, engine.states(), () => {}).size).toBe(0);
    expect(usableStates(before, engine.states(), () => {}).size).toBe(1);
  });
});

describe('firstSeen: bounds', () => {
  it('forgets values unseen for `forget` (plus lateness) from the saved baseline', () => {
    const rs = compileRules([rule({ ...base, firstSeen: { field: 'sourceIp', learn: 0, forget: '1h' } })]);
    const engine = createEngine(rs, { now: () => new Date(), latenessMs: 0 });
    engine.push(login(0, '1.1.1.1'));
    engine.push(login(1800, '2.2.2.2'));
    engine.push(login(HOUR + 900, '2.2.2.2'));
    const [[, , snapshot]] = engine.states() as [string, string, { groups: [string, unknown, number, number, [string][]][] }][];
    expect(snapshot.groups[0][4].map(([v]) => v)).toEqual(['"2.2.2.2"']);
  });

  it('holds at most MAX_GROUPS groups and MAX_VALUES_TOTAL values per rule, however many arrive', () => {
    const rs = compileRules([rule({ ...base, firstSeen: { field: 'sourceIp', per: ['actor.id'], learn: '90d', maxValues: 20 } })]);
    const engine = createEngine(rs, { now: () => new Date() });
    const e = ev({ name: 'ConsoleLogin' });
    for (let i = 0; i < 80_000; i++) {
      // One template event, changed in place: the test is about the baseline, not about building events.
      Object.assign(e, { id: `e${i}`, time: at(i), sourceIp: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` });
      e.actor.id = `u${i % 12_000}`;
      engine.push(e);
    }
    expect(engine.retained()).toBeLessThanOrEqual(MAX_VALUES_TOTAL + MAX_GROUPS);
    const [[, , snapshot]] = engine.states() as [string, string, { groups: unknown[] }][];
    expect(snapshot.groups.length).toBeLessThanOrEqual(MAX_GROUPS);
    // About 50 bytes a value: the state file stays a few megabytes per rule at most.
    expect(JSON.stringify(snapshot).length).toBeLessThan(4_000_000);
  });
});
