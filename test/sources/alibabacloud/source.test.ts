import { afterEach, describe, expect, it } from 'vitest';
import {
  makeActionTrailEvent,
  spreadActionTrailEvents,
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  TEST_ACCOUNT_ID,
} from '../../helpers/actiontrail-emulator/index.js';
import { alibabaHarness, at, hour, HOUR, T0, type AlibabaHarness } from './harness.js';

let h: AlibabaHarness | undefined;
const open = async (...args: Parameters<typeof alibabaHarness>) => (h = await alibabaHarness(...args));
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PARTITION = `alibabacloud/${TEST_ACCOUNT_ID}/cn-hangzhou`;
const lookups = (hh: AlibabaHarness) => hh.emu.requests.filter((r) => r.action === 'LookupEvents');

describe('alibabacloud source: fetching', () => {
  it('delivers 137 events from 3 pages of 50 through NextToken, oldest first', async () => {
    const { emu, source, fetchAll, logs } = await open({}, { events: spreadActionTrailEvents(137, { start: T0, end: at(HOUR) }) });
    const progress: { pages: number; events: number }[] = [];
    const events = await fetchAll(hour, PARTITION, { onProgress: (p) => progress.push(p) });

    expect(events).toHaveLength(137);
    expect(new Set(events.map((e) => e.id)).size).toBe(137);
    expect(events.map((e) => e.time)).toEqual(events.map((e) => e.time).sort());
    expect(events[0]).toMatchObject({ provider: 'alibabacloud', account: TEST_ACCOUNT_ID, region: 'cn-hangzhou', name: 'DescribeInstances', readOnly: true, error: null });

    const reqs = lookups(h!);
    expect(reqs.map((r) => [r.httpStatus, r.eventCount, r.more])).toEqual([[200, 50, true], [200, 50, true], [200, 37, false]]);
    expect(reqs.map((r) => r.params.MaxResults)).toEqual(['50', '50', '50']);
    expect(reqs[0].params).toMatchObject({ StartTime: '2026-11-20T00:00:00Z', EndTime: '2026-11-20T01:00:00Z' });
    expect(reqs[0].params.NextToken).toBeUndefined();
    expect(reqs[1].params.NextToken).toMatch(/\S/);
    expect(reqs[2].params.NextToken).not.toBe(reqs[1].params.NextToken);
    expect(reqs.every((r) => r.version === '2020-07-06' && r.method === 'POST' && r.accessKeyId === TEST_ACCESS_KEY_ID)).toBe(true);
    expect(progress).toEqual([
      { partition: PARTITION, pages: 1, events: 50 },
      { partition: PARTITION, pages: 2, events: 100 },
      { partition: PARTITION, pages: 3, events: 137 },
    ]);
    // The account was asked of STS once, to name the partition.
    expect(emu.requests.filter((r) => r.action === 'GetCallerIdentity')).toHaveLength(1);
    expect(source.stats()).toEqual({ apiCalls: 4, retries: 0 });
    expect(logs.lines().filter((l) => l.msg === 'ActionTrail page')).toHaveLength(3);
    expect(logs.text).not.toContain(TEST_ACCESS_KEY_SECRET);
  });

  it('keeps to [start, end) whatever the API does with EndTime, so adjacent ranges never share an event', async () => {
    const events = [0, 1000, HOUR].map((ms, i) => makeActionTrailEvent({ name: `E${i}`, time: at(ms) }));
    const { fetchAll } = await open({ account: TEST_ACCOUNT_ID }, { events });
    const first = await fetchAll({ start: T0, end: at(1000) });
    const second = await fetchAll({ start: at(1000), end: at(HOUR) });
    const third = await fetchAll({ start: at(HOUR), end: at(HOUR + 1) });
    expect([first, second, third].map((batch) => batch.map((e) => e.name))).toEqual([['E0'], ['E1'], ['E2']]);
    expect(lookups(h!).map((r) => [r.params.StartTime, r.params.EndTime])).toEqual([
      ['2026-11-20T00:00:00Z', '2026-11-20T00:00:01Z'],
      ['2026-11-20T00:00:01Z', '2026-11-20T01:00:00Z'],
      ['2026-11-20T01:00:00Z', '2026-11-20T01:00:01Z'],
    ]);
    expect(await fetchAll({ start: at(200), end: at(900) })).toEqual([]);
    expect(lookups(h!)).toHaveLength(3); // a range holding no whole second asks nothing
  });

  it('cuts a long range into day slices that tile it, each event once, oldest first', async () => {
    const end = at(3 * 24 * HOUR);
    const events = [...spreadActionTrailEvents(30, { start: T0, end }), makeActionTrailEvent({ name: 'AtBoundary', time: at(24 * HOUR) })];
    const { fetchAll } = await open({ account: TEST_ACCOUNT_ID }, { events }, { now: () => end });
    const got = await fetchAll({ start: T0, end });
    expect(got).toHaveLength(31);
    expect(new Set(got.map((e) => e.id)).size).toBe(31);
    expect(got.map((e) => e.time)).toEqual(got.map((e) => e.time).sort());
    const spans = lookups(h!).map((r) => [Date.parse(r.params.StartTime), Date.parse(r.params.EndTime)]).sort((a, b) => a[0] - b[0]);
    expect(spans).toHaveLength(3);
    expect(spans[0][0]).toBe(T0.getTime());
    expect(spans.at(-1)![1]).toBe(end.getTime());
    for (const [s, e] of spans) expect(e - s).toBeLessThanOrEqual(24 * HOUR);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBe(spans[i - 1][1]);
  });
});

describe('alibabacloud source: eventNames push-down', () => {
  it('one listing per name, each with LookupAttribute EventName', async () => {
    const events = [
      makeActionTrailEvent({ name: 'ConsoleSignin', time: at(1000), actorType: 'root-account' }),
      makeActionTrailEvent({ name: 'DeleteBucket', time: at(2000), service: 'Oss' }),
      makeActionTrailEvent({ name: 'DescribeInstances', time: at(3000) }),
      makeActionTrailEvent({ name: 'ConsoleSignin', time: at(4000) }),
    ];
    const { fetchAll } = await open({ account: TEST_ACCOUNT_ID, eventNames: ['ConsoleSignin', 'DeleteBucket'] }, { events });
    expect((await fetchAll(hour)).map((e) => e.name)).toEqual(['ConsoleSignin', 'DeleteBucket', 'ConsoleSignin']);
    const attrs = lookups(h!).map((r) => [r.params['LookupAttribute.1.Key'], r.params['LookupAttribute.1.Value']]).sort();
    expect(attrs).toEqual([['EventName', 'ConsoleSignin'], ['EventName', 'DeleteBucket']]);
  });
});

describe('alibabacloud source: partitions and credentials', () => {
  it('names one partition per region after the account STS reports', async () => {
    const { emu, source } = await open({ regions: ['cn-hangzhou', 'cn-shanghai'] });
    expect(source.partitions()).toEqual([`alibabacloud/${TEST_ACCOUNT_ID}/cn-hangzhou`, `alibabacloud/${TEST_ACCOUNT_ID}/cn-shanghai`]);
    expect(emu.requests.map((r) => [r.action, r.version, r.httpStatus])).toEqual([['GetCallerIdentity', '2015-04-01', 200]]);
    await expect(h!.fetchAll(hour, `alibabacloud/${TEST_ACCOUNT_ID}/eu-central-1`)).rejects.toMatchObject({ code: 'E_SOURCE' });
  });

  it('gives each partition its own 2 calls/s, as ActionTrail counts per account and region', async () => {
    const events = spreadActionTrailEvents(137, { start: T0, end: at(HOUR) });
    const regions = ['cn-hangzhou', 'cn-shanghai'];
    const { emu, source, fetchAll } = await open({ account: TEST_ACCOUNT_ID, regions }, { events, rateLimit: 4 });
    const started = Date.now();
    const [hz, sh] = await Promise.all(source.partitions().map((p) => fetchAll(hour, p)));
    const seconds = (Date.now() - started) / 1000;
    expect([hz.length, sh.length]).toEqual([137, 137]);
    expect([hz[0].region, sh[0].region]).toEqual(['cn-hangzhou', 'cn-hangzhou']); // the record's acsRegion, not the partition's
    // Two limiters of 2/s stay within the emulator's 4/s...
    expect(emu.requests.filter((r) => r.errorCode !== null)).toEqual([]);
    // ...and run side by side: three pages each take about 1.05 s, where one shared limiter would need 2.6 s.
    expect(seconds).toBeLessThan(2.2);
  });

  it('takes a given account as is, without asking STS', async () => {
    const { emu, source } = await open({ account: '5555666677778888', regions: ['cn-beijing'] });
    expect(source.partitions()).toEqual(['alibabacloud/5555666677778888/cn-beijing']);
    expect(emu.requests).toEqual([]);
  });

  it('reads auto credentials from the environment it is given, never process.env', async () => {
    const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_ACCESS_KEY_SECRET };
    const one = [makeActionTrailEvent({ name: 'X', time: at(1000) })];
    const withEnv = await open({ credentials: 'auto' }, { events: one }, { env });
    expect(await withEnv.fetchAll(hour)).toHaveLength(1);
    await withEnv.close();

    const missing = await open({ credentials: 'auto', account: TEST_ACCOUNT_ID }, {}, { env: {} });
    await expect(missing.fetchAll(hour)).rejects.toMatchObject({ code: 'E_AUTH', message: expect.stringContaining('ALIBABA_CLOUD_ACCESS_KEY_ID') });
    expect(missing.emu.requests).toHaveLength(0);
  });

  it('sends an STS security token, which the emulator requires of that key', async () => {
    const credentials = { 'STS.NTemulatorTempKey01': { secret: 'temp-secret-0000000001', token: 'sts-token-abcdef-123456' } };
    const one = [makeActionTrailEvent({ name: 'X', time: at(1000) })];
    const config = { account: TEST_ACCOUNT_ID, credentials: { accessKeyId: 'STS.NTemulatorTempKey01', accessKeySecret: 'temp-secret-0000000001', securityToken: 'sts-token-abcdef-123456' } };
    const temp = await open(config, { events: one, credentials });
    expect(await temp.fetchAll(hour)).toHaveLength(1);
    expect(temp.logs.text).not.toContain('sts-token-abcdef-123456');
    await temp.close();

    const wrong = await open({ ...config, credentials: { ...config.credentials, securityToken: 'sts-token-of-someone-else' } }, { events: one, credentials });
    const err = await wrong.fetchAll(hour).catch((e) => e);
    expect(err).toMatchObject({ code: 'E_AUTH', message: expect.stringContaining('InvalidSecurityToken') });
  });
});
