import { afterEach, describe, expect, it } from 'vitest';
import { makeActionTrailEvent, spreadActionTrailEvents, TEST_ACCESS_KEY_ID, TEST_ACCOUNT_ID } from '../../helpers/actiontrail-emulator/index.js';
import { alibabaHarness, at, hour, HOUR, rejection, T0, type AlibabaHarness } from './harness.js';

let h: AlibabaHarness | undefined;
const open = async (...args: Parameters<typeof alibabaHarness>) => (h = await alibabaHarness(...args));
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PARTITION = `alibabacloud/${TEST_ACCOUNT_ID}/cn-hangzhou`;
const BAD_SECRET = 'not-the-right-secret-9f8e7d6c';
const one = [makeActionTrailEvent({ name: 'DescribeInstances', time: at(1000) })];

/** Every place a secret could leak to: the message, the cause chain as text, the log. */
function everywhere(err: any, logs: string): string {
  const causes: string[] = [];
  for (let c = err; c; c = c.cause) causes.push(String(c), c.message ?? '', JSON.stringify(c.data ?? {}));
  return [...causes, logs].join('\n');
}

describe('alibabacloud source: throttling and transient failures', () => {
  it('retries Throttling.User (HTTP 400) with backoff and still delivers every event', async () => {
    const events = spreadActionTrailEvents(137, { start: T0, end: at(HOUR) });
    const { emu, source, fetchAll } = await open({ account: TEST_ACCOUNT_ID }, { events, rateLimit: 1 });
    const got = await fetchAll(hour);
    expect(got).toHaveLength(137);
    expect(new Set(got.map((e) => e.id)).size).toBe(137);
    const throttled = emu.requests.filter((r) => r.errorCode === 'Throttling.User');
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((r) => r.httpStatus === 400)).toBe(true);
    expect(emu.served('LookupEvents')).toHaveLength(3);
    expect(source.stats()).toEqual({ apiCalls: emu.requests.length, retries: throttled.length });
  });

  it('retries server faults and stalled requests, then gives up with E_SOURCE naming the partition', async () => {
    const { emu, fetchAll } = await open({ account: TEST_ACCOUNT_ID, timeout: 0.3 }, { events: one });
    emu.failNext(1, { httpStatus: 503 });
    emu.failNext(1, { code: 'ServiceUnavailable', httpStatus: 503 });
    emu.failNext(1, { stall: true });
    expect(await fetchAll(hour)).toHaveLength(1);
    expect(emu.requests).toHaveLength(4);

    emu.failNext(5, { code: 'InternalError', httpStatus: 500, message: 'The request processing has failed due to some unknown error.' });
    const err = await rejection(fetchAll(hour));
    expect(err).toMatchObject({ code: 'E_SOURCE' });
    expect(err.message).toBe(`${PARTITION}: LookupEvents failed after 5 attempts: InternalError (The request processing has failed due to some unknown error.)`);
  });

  it('does not retry a request the API rejects', async () => {
    const { emu, fetchAll } = await open({ account: TEST_ACCOUNT_ID }, { events: one });
    emu.failNext(1, { code: 'InvalidParameter.StartTime', message: 'The StartTime is invalid.' });
    await expect(fetchAll(hour)).rejects.toMatchObject({ code: 'E_SOURCE', message: expect.stringContaining(`${PARTITION}: LookupEvents was rejected: InvalidParameter.StartTime`) });
    expect(emu.requests).toHaveLength(1);
  });
});

describe('alibabacloud source: refused credentials', () => {
  it('a wrong secret: E_AUTH naming the partition, the code and the RAM permission, once, with no secret anywhere', async () => {
    const credentials = { accessKeyId: TEST_ACCESS_KEY_ID, accessKeySecret: BAD_SECRET };
    const { emu, fetchAll, logs } = await open({ account: TEST_ACCOUNT_ID, credentials }, { events: one });
    const err = await rejection(fetchAll(hour));
    expect(err).toMatchObject({ code: 'E_AUTH' });
    expect(err.message).toContain(`${PARTITION}: LookupEvents refused with SignatureDoesNotMatch`);
    expect(err.message).toContain('AccessKey secret');
    expect(err.message).toContain('actiontrail:LookupEvents');
    expect(emu.requests.map((r) => r.errorCode)).toEqual(['SignatureDoesNotMatch']);
    expect(everywhere(err, logs.text)).not.toContain(BAD_SECRET);
  });

  it('an unknown AccessKey ID, a missing permission: E_AUTH with what to check', async () => {
    const unknown = await open({ account: TEST_ACCOUNT_ID, credentials: { accessKeyId: 'LTAI5tNobodyKnowsThis01', accessKeySecret: BAD_SECRET } }, { events: one });
    const err = await rejection(unknown.fetchAll(hour));
    expect(err.message).toContain(`${PARTITION}: LookupEvents refused with InvalidAccessKeyId.NotFound: check the AccessKey ID`);
    expect(unknown.emu.requests.map((r) => r.httpStatus)).toEqual([404]);
    await unknown.close();

    const denied = await open({ account: TEST_ACCOUNT_ID }, { events: one });
    denied.emu.failNext(1, { code: 'Forbidden.RAM', httpStatus: 403, message: 'User not authorized to operate on the specified resource.' });
    const forbidden = await rejection(denied.fetchAll(hour));
    expect(forbidden).toMatchObject({ code: 'E_AUTH' });
    expect(forbidden.message).toContain('grant this RAM identity the permission actiontrail:LookupEvents');
  });

  it('without an account, refused keys fail opening the source, saying the account would skip the lookup', async () => {
    const credentials = { accessKeyId: TEST_ACCESS_KEY_ID, accessKeySecret: BAD_SECRET };
    const err = await rejection(alibabaHarness({ credentials }, { events: one }));
    expect(err).toMatchObject({ code: 'E_AUTH' });
    expect(err.message).toContain('GetCallerIdentity refused with SignatureDoesNotMatch');
    expect(err.message).toContain("give the source's account");
    expect(everywhere(err, '')).not.toContain(BAD_SECRET);
  });
});
