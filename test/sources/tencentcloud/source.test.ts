import { afterEach, describe, expect, it } from 'vitest';
import { makeEvent, spreadEvents, TEST_SECRET_ID, TEST_SECRET_KEY } from '../../helpers/emulator/index.js';
import { at, DAY, harness, HOUR, T0, type Harness } from './harness.js';

let h: Harness | undefined;
const open = async (...args: Parameters<typeof harness>) => (h = await harness(...args));
afterEach(async () => {
  await h?.source.close?.();
  await h?.emu.close();
  h = undefined;
});

const hour = { start: T0, end: at(HOUR) };

describe('tencentcloud source: fetching', () => {
  it('delivers 137 events from 3 pages of 50, oldest first, and stops at ListOver', async () => {
    const { emu, source, fetchAll, logs } = await open({}, { events: spreadEvents(137, { start: T0, end: at(HOUR) }) });
    const progress: { pages: number; events: number }[] = [];
    const events = await fetchAll(hour, 'tencentcloud/100000000001/ap-guangzhou', { onProgress: (p) => progress.push(p) });

    expect(events).toHaveLength(137);
    expect(new Set(events.map((e) => e.id)).size).toBe(137);
    expect(events.map((e) => e.time)).toEqual(events.map((e) => e.time).sort());
    expect(events[0]).toMatchObject({ provider: 'tencentcloud', region: 'ap-guangzhou', name: 'DescribeInstances' });

    const reqs = emu.requests;
    expect(reqs.map((r) => [r.eventCount, r.listOver])).toEqual([[50, false], [50, false], [37, true]]);
    expect(reqs.map((r) => r.params.MaxResults)).toEqual([50, 50, 50]);
    expect(reqs[0].params.NextToken).toBeUndefined();
    expect(typeof reqs[1].params.NextToken).toBe('string');
    expect(reqs[2].params.NextToken).not.toBe(reqs[1].params.NextToken);
    expect(progress).toEqual([
      { partition: 'tencentcloud/100000000001/ap-guangzhou', pages: 1, events: 50 },
      { partition: 'tencentcloud/100000000001/ap-guangzhou', pages: 2, events: 100 },
      { partition: 'tencentcloud/100000000001/ap-guangzhou', pages: 3, events: 137 },
    ]);
    expect(source.stats()).toEqual({ apiCalls: 3, retries: 0 });
    expect(logs.lines().filter((l) => l.msg === 'CloudAudit page')).toHaveLength(3);
    expect(logs.text).not.toContain(TEST_SECRET_KEY);
  });

  it('asks for [start, end) in whole seconds, so adjacent ranges never share an event', async () => {
    const edge = [T0.getTime() / 1000, T0.getTime() / 1000 + 1, T0.getTime() / 1000 + 3600];
    const { emu, fetchAll } = await open({}, { events: edge.map((t, i) => makeEvent({ name: `E${i}`, time: t })) });
    const first = await fetchAll({ start: T0, end: at(1000) });
    const second = await fetchAll({ start: at(1000), end: at(HOUR) });
    const third = await fetchAll({ start: at(HOUR), end: at(HOUR + 1) });
    expect([first, second, third].map((batch) => batch.map((e) => e.name))).toEqual([['E0'], ['E1'], ['E2']]);
    expect(emu.requests.map((r) => [r.params.StartTime, r.params.EndTime])).toEqual([
      [edge[0], edge[0]],
      [edge[1], edge[2] - 1],
      [edge[2], edge[2]],
    ]);
    expect(await fetchAll({ start: at(200), end: at(900) })).toEqual([]);
    expect(emu.requests).toHaveLength(3); // a range inside one second asks nothing
  });

  it('splits a long range into slices of at most 7 days that tile it, each event once', async () => {
    const boundaries = [0, 5, 10, 15, 20].map((d) => at(d * DAY));
    const events = [
      ...spreadEvents(40, { start: T0, end: at(20 * DAY) }),
      ...boundaries.slice(0, 4).map((t, i) => makeEvent({ name: `Edge${i}`, time: t })),
      makeEvent({ name: 'AfterEnd', time: at(20 * DAY) }),
    ];
    const { emu, fetchAll } = await open({}, { events }, { concurrency: 4 });
    const got = await fetchAll({ start: T0, end: at(20 * DAY) });

    expect(got).toHaveLength(44);
    expect(new Set(got.map((e) => e.id)).size).toBe(44);
    expect(got.map((e) => e.time)).toEqual(got.map((e) => e.time).sort());
    const spans = emu.requests.map((r) => [r.params.StartTime as number, r.params.EndTime as number]).sort((a, b) => a[0] - b[0]);
    expect(spans.length).toBeGreaterThan(1);
    for (const [s, e] of spans) expect(e - s).toBeLessThanOrEqual(7 * 86400);
    expect(spans[0][0]).toBe(T0.getTime() / 1000);
    expect(spans.at(-1)![1]).toBe(T0.getTime() / 1000 + 20 * 86400 - 1);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBe(spans[i - 1][1] + 1);
  });

  it('DescribeEvents asks for the location label, and the event carries it', async () => {
    const located = [makeEvent({ name: 'ConsoleLogin', time: at(60), location: '广东省深圳市' })];
    const described = await open({ api: 'DescribeEvents' }, { events: located });
    const [event] = await described.fetchAll(hour);
    expect(described.emu.requests[0].params.IsReturnLocation).toBe(1);
    expect(event.location).toBe('广东省深圳市');
    await described.source.close?.();
    await described.emu.close();
    const looked = await open({}, { events: located });
    const [plain] = await looked.fetchAll(hour);
    expect(looked.emu.requests[0].params.IsReturnLocation).toBeUndefined();
    expect(plain.location).toBeNull();
  });

  it('keeps DescribeEvents slices under 30 days', async () => {
    const { emu, fetchAll } = await open({ api: 'DescribeEvents' }, { events: spreadEvents(10, { start: T0, end: at(70 * DAY) }) }, { concurrency: 1 });
    expect(await fetchAll({ start: T0, end: at(70 * DAY) })).toHaveLength(10);
    const spans = emu.requests.map((r) => (r.params.EndTime as number) - (r.params.StartTime as number));
    expect(spans).toHaveLength(3);
    for (const s of spans) expect(s).toBeLessThan(30 * 86400);
    expect(emu.requests.every((r) => r.action === 'DescribeEvents')).toBe(true);
  });
});

describe('tencentcloud source: eventNames push-down', () => {
  const events = [
    makeEvent({ name: 'ConsoleLogin', time: at(1000) }),
    makeEvent({ name: 'DeleteBucket', time: at(2000), service: 'cos' }),
    makeEvent({ name: 'DescribeInstances', time: at(3000) }),
    makeEvent({ name: 'ConsoleLogin', time: at(4000) }),
  ];

  it('LookUpEvents: one listing per name, since the API documents no OR', async () => {
    const { emu, fetchAll } = await open({ eventNames: ['ConsoleLogin', 'DeleteBucket'] }, { events });
    const got = await fetchAll(hour);
    expect(got.map((e) => e.name)).toEqual(['ConsoleLogin', 'DeleteBucket', 'ConsoleLogin']);
    const attrs = emu.requests.map((r) => r.params.LookupAttributes).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(attrs).toEqual([
      [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }],
      [{ AttributeKey: 'EventName', AttributeValue: 'DeleteBucket' }],
    ]);
  });

  it('DescribeEvents: all names in one listing, as the API ORs EventName values', async () => {
    const { emu, fetchAll } = await open({ api: 'DescribeEvents', eventNames: ['ConsoleLogin', 'DeleteBucket'] }, { events });
    expect((await fetchAll(hour)).map((e) => e.name)).toEqual(['ConsoleLogin', 'DeleteBucket', 'ConsoleLogin']);
    expect(emu.requests).toHaveLength(1);
    expect(emu.requests[0].params.LookupAttributes).toEqual([
      { AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' },
      { AttributeKey: 'EventName', AttributeValue: 'DeleteBucket' },
    ]);
  });
});

describe('tencentcloud source: regions and credentials', () => {
  it('has one partition per region, each asking its own region', async () => {
    const events = [makeEvent({ name: 'Gz', time: at(1000) }), makeEvent({ name: 'Sh', time: at(2000), region: 'ap-shanghai' })];
    const { emu, source, fetchAll } = await open({ regions: ['ap-guangzhou', 'ap-shanghai'] }, { events });
    expect(source.partitions()).toEqual(['tencentcloud/100000000001/ap-guangzhou', 'tencentcloud/100000000001/ap-shanghai']);
    expect((await fetchAll(hour, 'tencentcloud/100000000001/ap-shanghai')).map((e) => [e.name, e.region])).toEqual([['Sh', 'ap-shanghai']]);
    expect(emu.requests.map((r) => r.region)).toEqual(['ap-shanghai']);
    await expect(fetchAll(hour, 'tencentcloud/eu-frankfurt')).rejects.toMatchObject({ code: 'E_SOURCE' });
  });

  it('shares one request limiter across regions', async () => {
    const events = ['ap-guangzhou', 'ap-shanghai'].flatMap((region) => spreadEvents(120, { start: T0, end: at(HOUR), region }));
    const { emu, source, fetchAll } = await open(
      { regions: ['ap-guangzhou', 'ap-shanghai'], maxRequestsPerSecond: 2 },
      { events, rateLimit: 3 },
    );
    const [gz, sh] = await Promise.all(source.partitions().map((p) => fetchAll(hour, p)));
    expect([gz.length, sh.length]).toEqual([120, 120]);
    // Two limiters of 2/s would have sent 4/s and met the emulator's 3/s limit.
    expect(emu.requests.filter((r) => r.errorCode === 'RequestLimitExceeded')).toEqual([]);
    expect(source.stats()).toEqual({ apiCalls: 6, retries: 0 });
  });

  it('paces under maxRequestsPerSecond, so a backfill at the API quota is never throttled', async () => {
    // Four slices of a day, 10 pages each, with latency that varies per call like a network's.
    const day = { start: T0, end: at(24 * HOUR) };
    const events = spreadEvents(2000, day);
    // One call a second under the API's limit: on a loaded machine (CI, two cores) timer jitter alone can exceed the 5% margin.
    const { emu, source, fetchAll } = await open({ maxRequestsPerSecond: 9 }, { events, rateLimit: 10, latencyMs: 5 });
    const started = Date.now();
    expect(await fetchAll(day)).toHaveLength(2000);
    const seconds = (Date.now() - started) / 1000;
    expect(emu.requests.filter((r) => r.errorCode === 'RequestLimitExceeded')).toEqual([]);
    expect(source.stats()).toEqual({ apiCalls: 40, retries: 0 });
    // 40 calls evenly spaced at 9/s less 5%: about 4.6 s.
    expect(seconds).toBeGreaterThan(3);
  });

  it('reads credentials: env from the given environment, or explicit keys with a session token', async () => {
    const env = { TENCENTCLOUD_SECRET_ID: TEST_SECRET_ID, TENCENTCLOUD_SECRET_KEY: TEST_SECRET_KEY };
    const one = [makeEvent({ name: 'X', time: at(1000) })];
    for (const credentials of ['env', 'auto'] as const) {
      const { fetchAll, emu, source } = await harness({ credentials }, { events: one }, { env });
      expect(await fetchAll(hour)).toHaveLength(1);
      await source.close?.();
      await emu.close();
    }
    const missing = await open({ credentials: 'env', account: '100000000001' }, {}, { env: {} });
    await expect(missing.fetchAll(hour)).rejects.toMatchObject({ code: 'E_AUTH', message: expect.stringContaining('TENCENTCLOUD_SECRET_ID') });
    expect(missing.emu.requests).toHaveLength(0);
    await missing.emu.close();

    const creds = { [TEST_SECRET_ID]: { secretKey: TEST_SECRET_KEY, token: 'session-tok' } };
    const temp = await open({ credentials: { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY, token: 'session-tok' } }, { events: one, credentials: creds });
    expect(await temp.fetchAll(hour)).toHaveLength(1);
    expect(temp.logs.text).not.toContain('session-tok');
  });
});
