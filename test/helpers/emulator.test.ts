import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { cloudaudit } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cloudaudit/index.js';
import { normalizeTencentRecord } from '../../src/sources/tencentcloud/normalize.js';
import {
  makeEvent,
  signTc3,
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
