import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { awsOptions } from '../../../src/sources/aws/options.js';
import { makeCloudTrailEvent, spreadCloudTrailEvents, TEST_SECRET_ACCESS_KEY } from '../../helpers/cloudtrail-emulator/index.js';
import { at, DAY, harness, HOUR, KEYS, parseOptions, T0, type Harness } from './harness.js';

let h: Harness | undefined;
const open = async (...args: Parameters<typeof harness>) => (h = await harness(...args));
afterEach(async () => {
  await h?.source.close?.();
  await h?.emu.close();
  h = undefined;
});

const hour = { start: T0, end: at(HOUR) };
const P = 'aws/123456789012/us-east-1';

describe('aws source: paging', () => {
  it('delivers 137 events from 3 pages of 50, oldest first, and stops when no NextToken comes', async () => {
    const { emu, source, fetchAll, logs } = await open({}, { events: spreadCloudTrailEvents(137, { start: T0, end: at(HOUR) }) });
    const progress: { pages: number; events: number }[] = [];
    const events = await fetchAll(hour, P, { onProgress: (p) => progress.push(p) });

    expect(events).toHaveLength(137);
    expect(new Set(events.map((e) => e.id)).size).toBe(137);
    expect(events.map((e) => e.time)).toEqual(events.map((e) => e.time).sort());
    expect(events[0]).toMatchObject({ provider: 'aws', account: '123456789012', region: 'us-east-1', name: 'DescribeInstances', service: 'ec2' });

    const reqs = emu.requests;
    expect(reqs.map((r) => [r.action, r.eventCount, r.nextToken !== null])).toEqual([
      ['LookupEvents', 50, true],
      ['LookupEvents', 50, true],
      ['LookupEvents', 37, false],
    ]);
    expect(reqs.map((r) => r.params.MaxResults)).toEqual([50, 50, 50]);
    expect(reqs[0].params.NextToken).toBeUndefined();
    expect(reqs[1].params.NextToken).toBe(reqs[0].nextToken);
    expect(reqs[2].params.NextToken).toBe(reqs[1].nextToken);
    expect(progress.map((p) => p.events)).toEqual([50, 100, 137]);
    expect(source.stats()).toEqual({ apiCalls: 3, retries: 0 });
    expect(logs.lines().filter((l) => l.msg === 'CloudTrail page')).toHaveLength(3);
    expect(logs.text).not.toContain(TEST_SECRET_ACCESS_KEY);
  });

  it('asks for [start, end) in whole seconds, so adjacent ranges never share an event', async () => {
    const s = T0.getTime() / 1000;
    const edge = [s, s + 1, s + 3600];
    const { emu, fetchAll } = await open({}, { events: edge.map((t, i) => makeCloudTrailEvent({ name: `E${i}`, time: t })) });
    const batches = [
      await fetchAll({ start: T0, end: at(1000) }),
      await fetchAll({ start: at(1000), end: at(HOUR) }),
      await fetchAll({ start: at(HOUR), end: at(HOUR + 1) }),
    ];
    expect(batches.map((b) => b.map((e) => e.name))).toEqual([['E0'], ['E1'], ['E2']]);
    expect(emu.requests.map((r) => [r.params.StartTime, r.params.EndTime])).toEqual([
      [edge[0], edge[0]],
      [edge[1], edge[2] - 1],
      [edge[2], edge[2]],
    ]);
    expect(await fetchAll({ start: at(200), end: at(900) })).toEqual([]);
    expect(emu.requests).toHaveLength(3); // a range inside one second asks nothing
  });

  it('lists a long range a day at a time, oldest day first, each event once', async () => {
    const events = [...spreadCloudTrailEvents(60, { start: T0, end: at(5 * DAY) }), makeCloudTrailEvent({ name: 'AfterEnd', time: at(5 * DAY) })];
    const { emu, fetchAll } = await open({}, { events });
    const got = await fetchAll({ start: T0, end: at(5 * DAY) });
    expect(got).toHaveLength(60);
    expect(got.map((e) => e.time)).toEqual(got.map((e) => e.time).sort());
    const spans = emu.requests.map((r) => [r.params.StartTime as number, r.params.EndTime as number]).sort((a, b) => a[0] - b[0]);
    expect(spans).toHaveLength(5);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBe(spans[i - 1][1] + 1);
    expect(spans.at(-1)![1]).toBe(T0.getTime() / 1000 + 5 * 86400 - 1);
  });
});

describe('aws source: arrival order', () => {
  const events = spreadCloudTrailEvents(137, { start: T0, end: at(HOUR) });

  it('hands over each page as it comes, newest page first, in time order within it', async () => {
    const { fetchAll, emu } = await open({}, { events });
    const batches: string[][] = [];
    const { source } = h!;
    for await (const batch of source.fetch(P, hour, { order: 'arrival' })) batches.push(batch.map((e) => e.time));
    expect(batches.map((b) => b.length)).toEqual([50, 50, 37]);
    for (const b of batches) expect(b).toEqual([...b].sort());
    expect(batches[0][0] > batches[1].at(-1)!).toBe(true);
    expect(emu.requests).toHaveLength(3);
    expect(await fetchAll(hour)).toHaveLength(137);
  });

  it('fetches the next page only when the reader asks, so a reader that stops stops the fetch', async () => {
    const { source, emu } = await open({}, { events });
    for await (const batch of source.fetch(P, hour, { order: 'arrival' })) {
      expect(batch).toHaveLength(50);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(emu.requests).toHaveLength(1);
  });
});

describe('aws source: partitions and accounts', () => {
  it('has one partition per region, aws/<account>/<region>, each asking its own region', async () => {
    const events = [makeCloudTrailEvent({ name: 'East', time: at(1000) }), makeCloudTrailEvent({ name: 'West', time: at(2000), region: 'eu-west-1' })];
    const { emu, source, fetchAll } = await open({ regions: ['us-east-1', 'eu-west-1'] }, { events });
    expect(source.partitions()).toEqual([P, 'aws/123456789012/eu-west-1']);
    expect((await fetchAll(hour, 'aws/123456789012/eu-west-1')).map((e) => [e.name, e.region])).toEqual([['West', 'eu-west-1']]);
    expect(emu.requests.map((r) => r.region)).toEqual(['eu-west-1']);
    await expect(fetchAll(hour, 'aws/123456789012/ap-south-1')).rejects.toMatchObject({ code: 'E_SOURCE' });
    await expect(fetchAll(hour, 'tencentcloud/ap-guangzhou')).rejects.toMatchObject({ code: 'E_SOURCE' });
  });

  it('gives each region its own 2/s budget, as CloudTrail counts per account and region', async () => {
    const events = ['us-east-1', 'eu-west-1'].flatMap((region) => spreadCloudTrailEvents(120, { start: T0, end: at(HOUR), region }));
    const { emu, source, fetchAll } = await open({ regions: ['us-east-1', 'eu-west-1'], maxRequestsPerSecond: 2 }, { events, rateLimit: 3 });
    const started = Date.now();
    const [east, west] = await Promise.all(source.partitions().map((p) => fetchAll(hour, p)));
    expect([east.length, west.length]).toEqual([120, 120]);
    expect(emu.requests.filter((r) => r.errorCode !== null)).toEqual([]);
    // Three calls a region: about 1.05 s side by side; one shared limiter would take 2.6 s for the six.
    expect(Date.now() - started).toBeLessThan(2200);
  });

  it('asks STS once for the account when none is configured, and names the partitions after it', async () => {
    const credentials = { [KEYS.accessKeyId]: { secretAccessKey: KEYS.secretAccessKey, account: '210987654321' } };
    const events = [
      makeCloudTrailEvent({ name: 'Mine', time: at(1000), account: '210987654321' }),
      makeCloudTrailEvent({ name: 'NotMine', time: at(2000), account: '123456789012' }),
    ];
    const { emu, source, fetchAll } = await open({ account: undefined, regions: ['us-east-1', 'us-west-2'] }, { events, credentials });
    expect(source.partitions()).toEqual(['aws/210987654321/us-east-1', 'aws/210987654321/us-west-2']);
    expect(emu.served('GetCallerIdentity')).toHaveLength(1);
    expect(emu.requests[0]).toMatchObject({ service: 'sts', region: 'us-east-1', params: { Action: 'GetCallerIdentity', Version: '2011-06-15' } });
    expect((await fetchAll(hour)).map((e) => [e.name, e.account])).toEqual([['Mine', '210987654321']]);
  });

  it('asks STS at stsEndpoint when given, and not at all when the account is configured', async () => {
    const sts = await harness({}, { credentials: { [KEYS.accessKeyId]: { secretAccessKey: KEYS.secretAccessKey, account: '333344445555' } } });
    try {
      const { emu, source } = await open({ account: undefined, stsEndpoint: sts.emu.url });
      expect(source.partitions()).toEqual(['aws/333344445555/us-east-1']);
      expect(sts.emu.served('GetCallerIdentity')).toHaveLength(1);
      expect(emu.requests).toHaveLength(0);
    } finally {
      await sts.source.close?.();
      await sts.emu.close();
    }
    expect(h!.emu.requests).toHaveLength(0);
    const configured = await harness({ account: '444455556666' }, {}, { emu: h!.emu });
    expect(configured.source.partitions()).toEqual(['aws/444455556666/us-east-1']);
    expect(h!.emu.requests).toHaveLength(0);
    await configured.source.close?.();
  });

  it('fails to open with E_AUTH when STS refuses the keys, naming the call and keeping the secret out', async () => {
    const wrong = 'wrong/Secret/For/Sts/000000000000';
    const err = await harness({ account: undefined, credentials: { ...KEYS, secretAccessKey: wrong } }).catch((e) => e);
    expect(err).toMatchObject({ code: 'E_AUTH', message: expect.stringContaining('STS GetCallerIdentity (to learn the account id) refused with SignatureDoesNotMatch') });
    expect(err.message).not.toContain(wrong);
    expect(err.logs.text).not.toContain(wrong);
  });

  it('stops an in-flight request when the source closes', async () => {
    const { emu, source } = await open({}, { events: [makeCloudTrailEvent({ name: 'X', time: at(1000) })] });
    emu.failNext(1, { stall: true });
    const pending = (async () => {
      for await (const _ of source.fetch(P, hour)) void _;
    })();
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await source.close?.();
    await expect(pending).rejects.toBeDefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('aws source: eventNames', () => {
  const events = [
    makeCloudTrailEvent({ name: 'ConsoleLogin', time: at(1000), identity: 'Root' }),
    makeCloudTrailEvent({ name: 'DeleteBucket', time: at(2000) }),
    makeCloudTrailEvent({ name: 'DescribeInstances', time: at(3000) }),
    makeCloudTrailEvent({ name: 'StopLogging', time: at(4000) }),
  ];

  it('pushes a few names down, one listing each, since LookupEvents takes one attribute', async () => {
    const { emu, fetchAll } = await open({ eventNames: ['ConsoleLogin', 'StopLogging'] }, { events });
    expect((await fetchAll(hour)).map((e) => e.name)).toEqual(['ConsoleLogin', 'StopLogging']);
    expect(emu.requests.map((r) => r.params.LookupAttributes).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }],
      [{ AttributeKey: 'EventName', AttributeValue: 'StopLogging' }],
    ]);
  });

  it('lists everything once and filters here when there are more names than are worth a listing each', async () => {
    const names = ['ConsoleLogin', 'StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'DeleteBucket'];
    const { emu, fetchAll } = await open({ eventNames: names }, { events });
    expect((await fetchAll(hour)).map((e) => e.name)).toEqual(['ConsoleLogin', 'DeleteBucket', 'StopLogging']);
    expect(emu.requests).toHaveLength(1);
    expect(emu.requests[0].params.LookupAttributes).toBeUndefined();
  });
});

describe('aws options', () => {
  it('fills the defaults: us-east-1, auto credentials, CloudTrail\'s 2 calls a second', () => {
    expect(parseOptions({})).toMatchObject({ provider: 'aws', regions: ['us-east-1'], credentials: 'auto', maxRequestsPerSecond: 2, maxAttempts: 5, timeout: 10_000 });
    expect(configSchema.parse({ sources: [{ provider: 'aws', regions: ['eu-west-1'], account: '123456789012' }] }).sources[0]).toMatchObject({ provider: 'aws', regions: ['eu-west-1'] });
  });

  it('refuses what CloudTrail would not take or what would break a partition name', () => {
    for (const bad of [
      { maxRequestsPerSecond: 3 },
      { regions: [] },
      { regions: ['us-east-1', 'us-east-1'] },
      { regions: ['us-east-1/x'] },
      { account: '12345' },
      { endpoint: 'http://127.0.0.1:9002/path' },
      { stsEndpoint: 'http://user:pass@127.0.0.1:9002' },
      { credentials: { accessKeyId: 'AKIA' } },
      { credentials: 'env' },
      { region: 'us-east-1' },
    ]) {
      expect(awsOptions.safeParse({ provider: 'aws', ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
