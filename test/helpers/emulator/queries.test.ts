import { afterEach, describe, expect, it } from 'vitest';
import { cloudaudit } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cloudaudit/index.js';
import { makeEvent, spreadEvents, startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY, type Emulator, type EmulatorOptions } from './index.js';

// Query semantics of the emulator, driven through the official SDK. (Not part of the bundle:
// only index.ts and what it imports are.)
const T0 = new Date('2026-11-20T00:00:00Z');
const sec = (d: Date) => Math.floor(d.getTime() / 1000);
let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(opts: EmulatorOptions = {}) {
  emu = await startEmulator(opts);
  return emu;
}

function sdkClient(e: Emulator, region = 'ap-guangzhou') {
  return new cloudaudit.v20190319.Client({
    credential: { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY },
    region,
    profile: { httpProfile: { endpoint: e.url.replace('http://', ''), protocol: 'http://', reqTimeout: 5 } },
  });
}

const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (err: { code?: string }) => err.code ?? 'no code');

describe('LookUpEvents', () => {
  const hour = { StartTime: sec(T0), EndTime: sec(T0) + 3600 };

  it('pages newest first through NextToken until ListOver, on a snapshot', async () => {
    const e = await start({ events: spreadEvents(137, { start: T0, end: new Date(T0.getTime() + 3600_000) }) });
    const client = sdkClient(e);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await client.LookUpEvents({ ...hour, MaxResults: 50, NextToken: token });
      pages++;
      seen.push(...res.Events!.map((x) => x.EventTime!));
      if (pages === 1) e.addEvents([makeEvent({ name: 'Late', time: new Date(T0.getTime() + 1000) })]);
      if (res.ListOver) break;
      token = res.NextToken;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(137);
    expect([...seen].sort((a, b) => Number(b) - Number(a))).toEqual(seen);
    const again = await client.LookUpEvents({ ...hour, MaxResults: 50 });
    expect(again.Events).toHaveLength(50);
    expect(e.served('LookUpEvents').map((r) => r.eventCount)).toEqual([50, 50, 37, 50]);
  });

  it('includes both ends of StartTime..EndTime and filters by region', async () => {
    const e = await start({
      events: [
        makeEvent({ name: 'Before', time: sec(T0) - 1 }),
        makeEvent({ name: 'AtStart', time: sec(T0) }),
        makeEvent({ name: 'AtEnd', time: sec(T0) + 3600 }),
        makeEvent({ name: 'After', time: sec(T0) + 3601 }),
        makeEvent({ name: 'Shanghai', time: sec(T0) + 5, region: 'ap-shanghai' }),
      ],
    });
    const res = await sdkClient(e).LookUpEvents({ ...hour, MaxResults: 50 });
    expect(res.Events!.map((x) => x.EventName)).toEqual(['AtEnd', 'AtStart']);
    const sh = await sdkClient(e, 'ap-shanghai').LookUpEvents({ ...hour, MaxResults: 50 });
    expect(sh.Events!.map((x) => x.EventName)).toEqual(['Shanghai']);
  });

  it('filters by LookupAttributes, all of which must hold', async () => {
    const e = await start({
      events: [
        makeEvent({ name: 'ConsoleLogin', time: sec(T0) + 1, userName: 'alice', actorType: 'CAMUser' }),
        makeEvent({ name: 'ConsoleLogin', time: sec(T0) + 2 }),
        makeEvent({ name: 'DeleteBucket', time: sec(T0) + 3, service: 'cos' }),
      ],
    });
    const c = sdkClient(e);
    const names = async (attrs: { AttributeKey: string; AttributeValue: string }[]) =>
      (await c.LookUpEvents({ ...hour, LookupAttributes: attrs })).Events!.map((x) => `${x.EventName}:${x.Username}`);
    expect(await names([{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }])).toEqual(['ConsoleLogin:root', 'ConsoleLogin:alice']);
    expect(await names([{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }, { AttributeKey: 'Username', AttributeValue: 'alice' }])).toEqual([
      'ConsoleLogin:alice',
    ]);
    expect(await names([{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }, { AttributeKey: 'EventName', AttributeValue: 'DeleteBucket' }])).toEqual([]);
    expect(await names([{ AttributeKey: 'ResourceType', AttributeValue: 'cos' }])).toEqual(['DeleteBucket:root']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a span over 7 days', { StartTime: sec(T0), EndTime: sec(T0) + 7 * 86400 + 1 }, 'LimitExceeded.OverTime'],
    ['start after end', { StartTime: sec(T0) + 10, EndTime: sec(T0) }, 'InvalidParameterValue.Time'],
    ['no EndTime', { StartTime: sec(T0) }, 'InvalidParameter.Time'],
    ['MaxResults 51', { ...hour, MaxResults: 51 }, 'InvalidParameterValue.MaxResult'],
    ['an undocumented attribute key', { ...hour, LookupAttributes: [{ AttributeKey: 'Color', AttributeValue: 'x' }] }, 'InvalidParameterValue.attributeKey'],
    ['an unknown parameter', { ...hour, Colour: 1 }, 'UnknownParameter'],
    ['a NextToken nobody issued', { ...hour, NextToken: 'bogus' }, 'InvalidParameterValue'],
  ])('rejects %s', async (_, params, code) => {
    const e = await start();
    expect(await codeOf(sdkClient(e).request('LookUpEvents', params))).toBe(code);
  });

  it('accepts exactly 7 days, and a NextToken only with the query that issued it', async () => {
    const e = await start({ events: spreadEvents(3, { start: T0, end: new Date(T0.getTime() + 60_000) }) });
    const c = sdkClient(e);
    expect(await codeOf(c.LookUpEvents({ StartTime: sec(T0), EndTime: sec(T0) + 7 * 86400 }))).toBe('ok');
    const first = await c.LookUpEvents({ ...hour, MaxResults: 1 });
    expect(await codeOf(c.LookUpEvents({ ...hour, StartTime: sec(T0) + 1, MaxResults: 1, NextToken: first.NextToken }))).toBe('InvalidParameterValue');
    const second = await c.LookUpEvents({ ...hour, MaxResults: 2, NextToken: first.NextToken });
    expect([second.Events!.length, second.ListOver]).toEqual([2, true]);
    // The last page still carries a token; following it yields nothing more.
    const after = await c.LookUpEvents({ ...hour, NextToken: second.NextToken });
    expect([after.Events!.length, after.ListOver]).toEqual([0, true]);
  });
});

describe('DescribeEvents', () => {
  it('ORs several EventName values and ANDs other keys, with numeric tokens', async () => {
    const e = await start({
      events: [
        makeEvent({ name: 'ConsoleLogin', time: sec(T0) + 1, readOnly: true }),
        makeEvent({ name: 'DeleteBucket', time: sec(T0) + 2, readOnly: false }),
        makeEvent({ name: 'DescribeInstances', time: sec(T0) + 3 }),
      ],
    });
    const c = sdkClient(e);
    const q = { StartTime: sec(T0), EndTime: sec(T0) + 3600, MaxResults: 1 };
    const attrs = [
      { AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' },
      { AttributeKey: 'EventName', AttributeValue: 'DeleteBucket' },
    ];
    const p1 = await c.DescribeEvents({ ...q, LookupAttributes: attrs });
    expect(typeof p1.NextToken).toBe('number');
    const p2 = await c.DescribeEvents({ ...q, LookupAttributes: attrs, NextToken: p1.NextToken });
    expect([p1.Events![0].EventName, p2.Events![0].EventName, p2.ListOver]).toEqual(['DeleteBucket', 'ConsoleLogin', true]);
    const writes = await c.DescribeEvents({ ...q, MaxResults: 50, LookupAttributes: [...attrs, { AttributeKey: 'ActionType', AttributeValue: 'Write' }] });
    expect(writes.Events!.map((x) => x.EventName)).toEqual(['DeleteBucket']);
    expect(await codeOf(c.DescribeEvents({ StartTime: sec(T0), EndTime: sec(T0) + 30 * 86400 }))).toBe('LimitExceeded.OverTime');
  });
});
