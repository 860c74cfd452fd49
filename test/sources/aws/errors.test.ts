import { afterEach, describe, expect, it, vi } from 'vitest';
import { redact } from '../../../src/util/secrets.js';
import { makeCloudTrailEvent, spreadCloudTrailEvents, TEST_SECRET_ACCESS_KEY } from '../../helpers/cloudtrail-emulator/index.js';
import { at, harness, HOUR, KEYS, T0, type Harness } from './harness.js';

let h: Harness | undefined;
const open = async (...args: Parameters<typeof harness>) => (h = await harness(...args));
afterEach(async () => {
  await h?.source.close?.();
  await h?.emu.close();
  h = undefined;
});

const hour = { start: T0, end: at(HOUR) };
const P = 'aws/123456789012/us-east-1';

describe('aws source: throttling, errors and credentials', () => {
  const one = [makeCloudTrailEvent({ name: 'DeleteBucket', time: at(1000) })];

  it('retries ThrottlingException with backoff and gets every event', async () => {
    const { emu, source, fetchAll, logs } = await open({}, { events: spreadCloudTrailEvents(60, { start: T0, end: at(HOUR) }) });
    emu.failNext(2, { code: 'ThrottlingException', message: 'Rate exceeded' });
    expect(await fetchAll(hour)).toHaveLength(60);
    expect(emu.requests.map((r) => r.errorCode)).toEqual(['ThrottlingException', 'ThrottlingException', null, null]);
    expect(emu.requests[0].httpStatus).toBe(400);
    expect(source.stats()).toEqual({ apiCalls: 4, retries: 2 });
    expect(logs.lines().filter((l) => l.msg === 'CloudTrail call failed; retrying').map((l) => l.code)).toEqual(['ThrottlingException', 'ThrottlingException']);
  });

  it('paces each region under 2 calls a second, so CloudTrail never throttles', async () => {
    // The emulator allows 3 in any second: only a burst would meet it, and the time taken shows the spacing. (At
    // exactly 2 a first call that leaves late, as a loaded machine makes it, is throttled and retried.)
    const { emu, fetchAll } = await open({ maxRequestsPerSecond: 2 }, { events: spreadCloudTrailEvents(160, { start: T0, end: at(HOUR) }), rateLimit: 3 });
    const started = Date.now();
    expect(await fetchAll(hour)).toHaveLength(160);
    expect(emu.requests.map((r) => r.errorCode)).toEqual([null, null, null, null]);
    // Four calls evenly spaced at 2/s less 5%: the last leaves about 1.6 s after the first.
    expect(Date.now() - started).toBeGreaterThan(1400);
  });

  it('gives up after maxAttempts with E_SOURCE naming the partition', async () => {
    const { emu, fetchAll } = await open({ maxAttempts: 3 }, { events: one });
    emu.failNext(3, { code: 'ThrottlingException', message: 'Rate exceeded' });
    await expect(fetchAll(hour)).rejects.toMatchObject({ code: 'E_SOURCE', message: `${P}: LookupEvents failed after 3 attempts: ThrottlingException (Rate exceeded)` });
  });

  it('retries a stalled request once its timeout passes', async () => {
    const { emu, source, fetchAll } = await open({ timeout: 0.3 }, { events: one });
    emu.failNext(1, { stall: true });
    expect(await fetchAll(hour)).toHaveLength(1);
    expect(source.stats()).toEqual({ apiCalls: 2, retries: 1 });
  });

  it('a wrong secret: E_AUTH naming the partition and cloudtrail:LookupEvents, at once, with no secret anywhere', async () => {
    const wrong = 'wrong/Secret/Key/that+must+never+show/00';
    const { emu, fetchAll, logs } = await open({ credentials: { ...KEYS, secretAccessKey: wrong } }, { events: one });
    const err = await fetchAll(hour).catch((e) => e);
    expect(err).toMatchObject({ code: 'E_AUTH' });
    expect(err.message).toContain(`${P}: LookupEvents refused with InvalidSignatureException`);
    expect(err.message).toContain('secret access key');
    expect(err.message).toContain('cloudtrail:LookupEvents');
    expect(emu.requests.map((r) => r.errorCode)).toEqual(['InvalidSignatureException']); // not retried
    for (const text of [err.message, String(err.stack), logs.text]) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(TEST_SECRET_ACCESS_KEY);
    }
  });

  it('an unknown key, a denied identity and an expired signature each say what to check', async () => {
    const unknown = await open({ credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'whatever-secret' } }, { events: one });
    await expect(unknown.fetchAll(hour)).rejects.toMatchObject({ code: 'E_AUTH', message: expect.stringContaining('UnrecognizedClientException: the access key id is unknown') });
    await unknown.emu.close();

    const denied = await open({}, { events: one, credentials: { [KEYS.accessKeyId]: { secretAccessKey: KEYS.secretAccessKey, denyLookup: true } } });
    await expect(denied.fetchAll(hour)).rejects.toMatchObject({
      code: 'E_AUTH',
      message: expect.stringContaining(`${P}: LookupEvents refused with AccessDeniedException: grant this identity the IAM permission cloudtrail:LookupEvents`),
    });
    await denied.emu.close();

    const skewed = await open({}, { events: one, now: () => new Date(Date.now() + 10 * 60_000) });
    const err = await skewed.fetchAll(hour).catch((e) => e);
    expect(err.message).toContain("this machine's clock");
    expect(err.cause.message).toMatch(/^Signature expired: /);
  });

  it('signs temporary keys with their session token, and never logs it', async () => {
    const token = 'FwoGZXIvYXdzEMulated//SessionToken==';
    const credentials = { [KEYS.accessKeyId]: { secretAccessKey: KEYS.secretAccessKey, sessionToken: token } };
    const temp = await open({ credentials: { ...KEYS, sessionToken: token } }, { events: one, credentials });
    expect(await temp.fetchAll(hour)).toHaveLength(1);
    expect(temp.logs.text).not.toContain(token);
    await temp.emu.close();

    const stale = await open({ credentials: { ...KEYS, sessionToken: 'an-old-session-token' } }, { events: one, credentials });
    await expect(stale.fetchAll(hour)).rejects.toMatchObject({ code: 'E_AUTH', message: expect.stringContaining('UnrecognizedClientException') });
  });

  it('reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN from the environment it is given', async () => {
    const token = 'env-session-token-value';
    const env = { AWS_ACCESS_KEY_ID: KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey, AWS_SESSION_TOKEN: token };
    const credentials = { [KEYS.accessKeyId]: { secretAccessKey: KEYS.secretAccessKey, sessionToken: token } };
    const { fetchAll, logs } = await open({ credentials: 'auto' }, { events: [makeCloudTrailEvent({ name: 'X', time: at(1000) })], credentials }, { env });
    expect(await fetchAll(hour)).toHaveLength(1);
    expect(logs.lines().find((l) => l.msg === 'CloudTrail source ready')).toMatchObject({ credentials: 'env', account: '123456789012' });
    expect(logs.text).not.toContain(token);
  });

  it("without keys in its environment, signs with what the SDK's default chain finds, and masks it", async () => {
    // The chain reads process.env; the instance-metadata step is switched off so nothing leaves 127.0.0.1.
    const chain = { accessKeyId: 'AKIACHAINTESTKEY0001', secretAccessKey: 'chain/Secret/Found/By/The/Sdk/0001' };
    vi.stubEnv('AWS_ACCESS_KEY_ID', chain.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', chain.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    try {
      const events = [makeCloudTrailEvent({ name: 'X', time: at(1000) })];
      const { fetchAll, logs, emu } = await open({ credentials: 'auto' }, { events, credentials: { [chain.accessKeyId]: chain.secretAccessKey } }, { env: {} });
      expect(await fetchAll(hour)).toHaveLength(1);
      expect(emu.requests.map((r) => r.accessKeyId)).toEqual([chain.accessKeyId]);
      expect(logs.lines().find((l) => l.msg === 'CloudTrail source ready')).toMatchObject({ credentials: 'default-chain' });
      expect(redact(`key ${chain.secretAccessKey}`)).toBe('key ***');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
