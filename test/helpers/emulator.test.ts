import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { cloudaudit } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cloudaudit/index.js';
import { normalizeTencentRecord } from '../../src/sources/tencentcloud/normalize.js';
import {
  makeEvent,
  signTc3,
  spreadEvents,
  startEmulator,
  TEST_SECRET_ID,
  TEST_SECRET_KEY,
  type Emulator,
  type EmulatorOptions,
} from './emulator/index.js';

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

function sdkClient(e: Emulator, secretKey = TEST_SECRET_KEY, region = 'ap-guangzhou') {
  return new cloudaudit.v20190319.Client({
    credential: { secretId: TEST_SECRET_ID, secretKey },
    region,
    profile: { httpProfile: { endpoint: e.url.replace('http://', ''), protocol: 'http://', reqTimeout: 5 } },
  });
}

const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (err: { code?: string }) => err.code ?? 'no code');

/** A hand-made request, so each part of the signature can be forged separately. */
interface RawOptions {
  body?: string;
  sentBody?: string;
  host?: string;
  signedHost?: string;
  service?: string;
  date?: string;
  secretId?: string;
  secretKey?: string;
  timestamp?: number;
  authorization?: string | null;
  action?: string;
}

function raw(e: Emulator, o: RawOptions = {}): Promise<{ status: number; body: any }> {
  const body = o.body ?? JSON.stringify({ StartTime: sec(T0), EndTime: sec(T0) + 3600 });
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const host = o.host ?? `127.0.0.1:${e.port}`;
  const contentType = 'application/json';
  const authorization =
    o.authorization === undefined
      ? signTc3({
          secretId: o.secretId ?? TEST_SECRET_ID,
          secretKey: o.secretKey ?? TEST_SECRET_KEY,
          timestamp,
          service: o.service ?? '127',
          date: o.date,
          headers: { 'content-type': contentType, host: o.signedHost ?? '127.0.0.1' },
          body,
        })
      : o.authorization;
  const headers: Record<string, string> = {
    host,
    'content-type': contentType,
    'x-tc-action': o.action ?? 'LookUpEvents',
    'x-tc-version': '2019-03-19',
    'x-tc-region': 'ap-guangzhou',
    'x-tc-timestamp': String(timestamp),
  };
  if (authorization !== null) headers.authorization = authorization;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: e.port, method: 'POST', path: '/', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(o.sentBody ?? body);
  });
}

const errorCode = (r: { body: any }) => r.body.Response.Error?.Code ?? 'ok';

describe('signature verification', () => {
  it('accepts what the official SDK signs', async () => {
    const e = await start({ events: [makeEvent({ name: 'ConsoleLogin', time: new Date(T0.getTime() + 60_000) })] });
    const res = await sdkClient(e).LookUpEvents({ StartTime: sec(T0), EndTime: sec(T0) + 3600, MaxResults: 50 });
    expect(res.Events?.map((x) => x.EventName)).toEqual(['ConsoleLogin']);
    expect(res.ListOver).toBe(true);
    expect(e.requests[0]).toMatchObject({ action: 'LookUpEvents', region: 'ap-guangzhou', secretId: TEST_SECRET_ID, eventCount: 1 });
  });

  it('accepts a hand-signed request over the bare hostname with service "127"', async () => {
    const e = await start();
    expect(errorCode(await raw(e))).toBe('ok');
  });

  it.each<[string, RawOptions, string]>([
    ['a signature over host:port', { signedHost: '127.0.0.1:PORT' }, 'AuthFailure.SignatureFailure'],
    ['the wrong service in the scope', { service: 'cloudaudit' }, 'AuthFailure.SignatureFailure'],
    ['the wrong date in the scope', { date: '2001-01-01' }, 'AuthFailure.SignatureFailure'],
    ['the wrong key', { secretKey: 'not-the-key' }, 'AuthFailure.SignatureFailure'],
    ['a body changed after signing', { sentBody: JSON.stringify({ StartTime: 1, EndTime: 2 }) }, 'AuthFailure.SignatureFailure'],
    ['an unknown SecretId', { secretId: 'AKIDNOBODY' }, 'AuthFailure.SecretIdNotFound'],
    ['no Authorization header', { authorization: null }, 'AuthFailure.SignatureFailure'],
    ['a timestamp ten minutes old', { timestamp: Math.floor(Date.now() / 1000) - 600 }, 'AuthFailure.SignatureExpire'],
  ])('rejects %s', async (_, opts, code) => {
    const e = await start();
    if (opts.signedHost) opts = { ...opts, signedHost: `127.0.0.1:${e.port}` };
    const res = await raw(e, opts);
    expect(res.status).toBe(200);
    expect(res.body.Response.Error).toMatchObject({ Code: code, Message: expect.any(String) });
    expect(res.body.Response.RequestId).toEqual(expect.any(String));
  });

  it('rejects the SDK with a wrong key, and judges expiry by the injected clock', async () => {
    const e = await start();
    expect(await codeOf(sdkClient(e, 'wrong').LookUpEvents({ StartTime: sec(T0), EndTime: sec(T0) + 60 }))).toBe('AuthFailure.SignatureFailure');
    await e.close();
    const skewed = await start({ now: () => new Date(Date.now() + 3600_000) });
    expect(await codeOf(sdkClient(skewed).LookUpEvents({ StartTime: sec(T0), EndTime: sec(T0) + 60 }))).toBe('AuthFailure.SignatureExpire');
  });

  it('requires the session token registered for temporary keys', async () => {
    const e = await start({ credentials: { [TEST_SECRET_ID]: { secretKey: TEST_SECRET_KEY, token: 'tok' } } });
    const client = (token?: string) =>
      new cloudaudit.v20190319.Client({
        credential: { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY, token },
        region: 'ap-guangzhou',
        profile: { httpProfile: { endpoint: e.url.replace('http://', ''), protocol: 'http://' } },
      });
    const q = { StartTime: sec(T0), EndTime: sec(T0) + 60 };
    expect(await codeOf(client().LookUpEvents(q))).toBe('AuthFailure.TokenFailure');
    expect(await codeOf(client('tok').LookUpEvents(q))).toBe('ok');
  });
});

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
    const sh = await sdkClient(e, TEST_SECRET_KEY, 'ap-shanghai').LookUpEvents({ ...hour, MaxResults: 50 });
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

describe('scripted trouble', () => {
  const q = { StartTime: sec(T0), EndTime: sec(T0) + 60 };

  it('fails the next requests as told, in order, then serves again', async () => {
    const e = await start();
    e.failNext(2, { code: 'RequestLimitExceeded' });
    e.failNext(1, { httpStatus: 500 });
    const c = sdkClient(e);
    expect(await codeOf(c.LookUpEvents(q))).toBe('RequestLimitExceeded');
    expect(await codeOf(c.LookUpEvents(q))).toBe('RequestLimitExceeded');
    await expect(c.LookUpEvents(q)).rejects.toMatchObject({ httpCode: 500 });
    expect(await codeOf(c.LookUpEvents(q))).toBe('ok');
    expect(e.requests.map((r) => [r.httpStatus, r.errorCode])).toEqual([
      [200, 'RequestLimitExceeded'],
      [200, 'RequestLimitExceeded'],
      [500, null],
      [200, null],
    ]);
  });

  it('stalls a request until the client gives up', async () => {
    const e = await start();
    e.failNext(1, { stall: true });
    const c = new cloudaudit.v20190319.Client({
      credential: { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY },
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint: e.url.replace('http://', ''), protocol: 'http://', reqTimeout: 0.2 } },
    });
    await expect(c.LookUpEvents(q)).rejects.toThrow(/timeout/i);
    expect(await codeOf(c.LookUpEvents(q))).toBe('ok');
  });

  it('answers RequestLimitExceeded beyond the rate limit', async () => {
    const e = await start({ rateLimit: 2 });
    const c = sdkClient(e);
    const codes = await Promise.all([1, 2, 3, 4].map(() => codeOf(c.LookUpEvents(q))));
    expect(codes.filter((x) => x === 'ok')).toHaveLength(2);
    expect(codes.filter((x) => x === 'RequestLimitExceeded')).toHaveLength(2);
  });
});

describe('makeEvent', () => {
  it('builds a record the normalizer reads back field by field', () => {
    const api = makeEvent({
      name: 'DeleteBucket',
      time: '2026-11-20T08:30:00Z',
      id: 'evt-1',
      actorType: 'CAMUser',
      userName: 'alice',
      principalId: '100000000042',
      sourceIp: '198.51.100.7',
      errorCode: 'ResourceNotFound',
      service: 'cos',
      resourceName: 'bucket-1',
      sensitive: true,
      timeFormat: 'cst',
    });
    expect(api.EventTime).toBe('2026-11-20 16:30:00');
    expect(typeof JSON.parse(api.CloudAuditEvent).requestParameters).toBe('string');
    expect(normalizeTencentRecord(api)).toMatchObject({
      id: 'evt-1',
      time: '2026-11-20T08:30:00.000Z',
      name: 'DeleteBucket',
      region: 'ap-guangzhou',
      service: 'cos',
      readOnly: false,
      actor: { type: 'CAMUser', id: '100000000042', name: 'alice' },
      sourceIp: '198.51.100.7',
      error: { code: 'ResourceNotFound' },
      sensitive: true,
      resources: [{ type: 'cos', name: 'bucket-1' }],
    });
    expect(normalizeTencentRecord(makeEvent({ name: 'DescribeInstances', time: T0 }))).toMatchObject({ error: null, readOnly: true, actor: { type: 'Root', name: 'root' } });
  });
});
