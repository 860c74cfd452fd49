import { afterEach, describe, expect, it } from 'vitest';
import { spreadEvents, TEST_SECRET_ID, TEST_SECRET_KEY } from '../../helpers/emulator/index.js';
import { at, harness, HOUR, rejection, T0, type Harness } from './harness.js';

let h: Harness | undefined;
const open = async (...args: Parameters<typeof harness>) => (h = await harness(...args));
afterEach(async () => {
  await h?.source.close?.();
  await h?.emu.close();
  h = undefined;
});

const hour = { start: T0, end: at(HOUR) };
const events = spreadEvents(137, { start: T0, end: at(HOUR) });

// `account` given, so no GetCallerIdentity at creation: these are about CloudAudit's answers (accounts.test.ts has STS's).
describe('tencentcloud source: refused credentials', () => {
  it('a wrong key is E_AUTH at once, naming the code and what to check, without the key', async () => {
    const { emu, source, fetchAll, logs } = await open({ account: '100000000001', credentials: { secretId: TEST_SECRET_ID, secretKey: 'wrong-key-1234' } }, { events });
    const err = await rejection(fetchAll(hour));
    expect(err).toMatchObject({ name: 'AuditError', code: 'E_AUTH' });
    expect(err.message).toContain('tencentcloud/100000000001/ap-guangzhou');
    expect(err.message).toContain('AuthFailure.SignatureFailure');
    expect(err.message).toContain('SecretKey');
    expect(err.message).toContain('cloudaudit:LookUpEvents');
    expect(err.message).toContain('clock');
    expect(err.message).not.toContain('\n');
    expect(err.message + logs.text).not.toContain('wrong-key-1234');
    expect(emu.requests).toHaveLength(1);
    expect(source.stats()).toEqual({ apiCalls: 1, retries: 0 });
  });

  it('an unknown SecretId and a denied permission say which to fix', async () => {
    const unknown = await open({ account: '100000000001', credentials: { secretId: 'AKIDUNKNOWN', secretKey: TEST_SECRET_KEY } }, { events });
    expect((await rejection(unknown.fetchAll(hour))).message).toMatch(/AuthFailure\.SecretIdNotFound: check the SecretId/);
    await unknown.emu.close();
    const denied = await open({}, { events });
    denied.emu.failNext(1, { code: 'UnauthorizedOperation', message: 'CAM denied' });
    const err = await rejection(denied.fetchAll(hour));
    expect(err).toMatchObject({ code: 'E_AUTH', message: expect.stringContaining('grant this identity the CAM permission cloudaudit:LookUpEvents') });
    expect(denied.emu.requests).toHaveLength(1);
  });
});

describe('tencentcloud source: retries', () => {
  it('retries throttled requests and still delivers every event once', async () => {
    const { emu, source, fetchAll } = await open({}, { events });
    emu.failNext(2, { code: 'RequestLimitExceeded' });
    const got = await fetchAll(hour);
    expect(new Set(got.map((e) => e.id)).size).toBe(137);
    expect(got).toHaveLength(137);
    expect(emu.requests.map((r) => r.errorCode)).toEqual(['RequestLimitExceeded', 'RequestLimitExceeded', null, null, null]);
    expect(source.stats()).toEqual({ apiCalls: 5, retries: 2 });
  });

  it('retries an HTTP 500', async () => {
    const { emu, source, fetchAll } = await open({}, { events });
    emu.failNext(1, { httpStatus: 500 });
    expect(await fetchAll(hour)).toHaveLength(137);
    expect(emu.requests.map((r) => r.httpStatus)).toEqual([500, 200, 200, 200]);
    expect(source.stats()).toEqual({ apiCalls: 4, retries: 1 });
  });

  it('retries a failure in the middle of paging with the same NextToken', async () => {
    const { emu, source } = await open({}, { events });
    const got = [];
    const onProgress = (p: { pages: number }) => {
      if (p.pages === 1) emu.failNext(1, { code: 'InternalError' });
    };
    for await (const batch of source.fetch('tencentcloud/100000000001/ap-guangzhou', hour, { onProgress })) got.push(...batch);
    expect(got).toHaveLength(137);
    expect(emu.requests.map((r) => r.errorCode)).toEqual([null, 'InternalError', null, null]);
    const tokens = emu.requests.map((r) => r.params.NextToken);
    expect(tokens[1]).toEqual(expect.any(String));
    expect(tokens[2]).toBe(tokens[1]);
  });

  it('abandons a stalled request after the timeout and retries it', async () => {
    const { emu, source, fetchAll } = await open({ timeout: '300ms' }, { events });
    emu.failNext(1, { stall: true });
    expect(await fetchAll(hour)).toHaveLength(137);
    expect(emu.requests).toHaveLength(4);
    expect(source.stats()).toEqual({ apiCalls: 4, retries: 1 });
  });

  it('gives up after maxAttempts with E_SOURCE naming the code and the attempts', async () => {
    const { emu, source, fetchAll } = await open({ maxAttempts: 3 }, { events });
    emu.failNext(5, { code: 'InternalError', message: 'backend\nbusy' });
    const err = await rejection(fetchAll(hour));
    expect(err).toMatchObject({ code: 'E_SOURCE' });
    expect(err.message).toBe('tencentcloud/100000000001/ap-guangzhou: LookUpEvents failed after 3 attempts: InternalError (backend busy)');
    expect(emu.requests).toHaveLength(3);
    expect(source.stats()).toEqual({ apiCalls: 3, retries: 2 });
  });

  it('does not retry a request the API calls invalid', async () => {
    const { emu, fetchAll } = await open({}, { events });
    emu.failNext(1, { code: 'InvalidParameterValue.Time' });
    const err = await rejection(fetchAll(hour));
    expect(err).toMatchObject({ code: 'E_SOURCE', message: expect.stringContaining('was rejected: InvalidParameterValue.Time') });
    expect(emu.requests).toHaveLength(1);
  });

  it('retries a refused connection, then reports it', async () => {
    const { emu, fetchAll } = await open({ maxAttempts: 2 }, { events });
    await emu.close();
    const err = await rejection(fetchAll(hour));
    expect(err).toMatchObject({ code: 'E_SOURCE', message: expect.stringMatching(/failed after 2 attempts: NetworkError .*ECONNREFUSED/) });
  });
});

describe('tencentcloud source: stopping', () => {
  it('a consumer that stops early cancels the slices still being fetched', async () => {
    const range = { start: T0, end: at(10 * 24 * HOUR) };
    // Two slices (7 days + 3 days) of 3 pages each, one listing at a time, 30 ms per answer.
    const data = [...spreadEvents(120, { start: T0, end: at(7 * 24 * HOUR) }), ...spreadEvents(120, { start: at(7 * 24 * HOUR), end: range.end })];
    const { emu, source } = await open({}, { events: data, latencyMs: 30 }, { concurrency: 1 });
    for await (const batch of source.fetch('tencentcloud/100000000001/ap-guangzhou', range)) {
      expect(batch[0].provider).toBe('tencentcloud');
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
    const secondSlice = emu.requests.filter((r) => (r.params.StartTime as number) > T0.getTime() / 1000);
    expect(secondSlice.length).toBeLessThanOrEqual(1);
    expect(secondSlice.some((r) => r.listOver === true)).toBe(false);
  });
});
