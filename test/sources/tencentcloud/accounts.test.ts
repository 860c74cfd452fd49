// Several accounts in one source: the caller's own and others through CAM roles, all through the
// real SDK against the emulator's STS and CloudAudit (accounts-own.test.ts: the caller's own account).
import { afterEach, describe, expect, it } from 'vitest';
import { RENEW_BEFORE_MS } from '../../../src/sources/tencentcloud/role-credentials.js';
import { makeEvent, TEST_SECRET_ID, TEST_SECRET_KEY } from '../../helpers/emulator/index.js';
import { arn, EXTERNAL_ID, fetchAll, Opened, OWN, PROD, prodAndDenied, prodOnly, TEST } from './accounts-harness.js';
import { at, rejection } from './harness.js';

const t = new Opened();
afterEach(() => t.close());

describe('tencentcloud source: several accounts', () => {
  it('watches its own account and one through a role with an external id, each seeing only its own events', async () => {
    const { emu, source, logs } = await t.open(prodOnly);
    expect(source.partitions()).toEqual([`tencentcloud/${OWN}/ap-guangzhou`, `tencentcloud/${OWN}/ap-shanghai`, `tencentcloud/${PROD}/ap-guangzhou`, `tencentcloud/${PROD}/ap-shanghai`]);
    for (const partition of source.partitions()) {
      const [, account, region] = partition.split('/');
      const got = await fetchAll(source, partition);
      expect(got.map((e) => [e.name, e.account, e.region])).toEqual([['Call1', account, region], ['Call2', account, region]]);
    }
    // One AssumeRole for both regions of the role's account, asked with the caller's own key.
    const assumed = emu.served('AssumeRole');
    expect(assumed).toHaveLength(1);
    expect(assumed[0]).toMatchObject({ secretId: TEST_SECRET_ID, account: OWN, region: 'ap-guangzhou' });
    expect(assumed[0].params).toEqual({ RoleArn: arn(PROD), RoleSessionName: 'cloudaudit-watch', DurationSeconds: 3600, ExternalId: EXTERNAL_ID });
    const [keys] = emu.issued;
    expect(emu.requests.map((r) => [r.account, r.secretId, r.region])).toEqual([
      [OWN, TEST_SECRET_ID, 'ap-guangzhou'],
      [OWN, TEST_SECRET_ID, 'ap-shanghai'],
      [PROD, keys.secretId, 'ap-guangzhou'],
      [PROD, keys.secretId, 'ap-shanghai'],
    ]);
    expect(source.stats()).toEqual({ apiCalls: 4, retries: 0 });
    expect(logs.text).toContain('"msg":"assumed role"');
    for (const secret of [keys.secretKey, keys.token, TEST_SECRET_KEY]) expect(logs.text).not.toContain(secret);
  });

  it('a role that cannot be assumed fails only its own partitions, with accounts[N]: AssumeRole denied', async () => {
    const { emu, source, logs } = await t.open(prodAndDenied);
    const outcome: Record<string, string> = {};
    for (const partition of source.partitions()) {
      outcome[partition] = await fetchAll(source, partition).then(
        (got) => `${got.length} events`,
        (err) => `${err.code} ${err.message}`,
      );
    }
    const denied = `E_AUTH accounts[1]: AssumeRole denied: AuthFailure.UnauthorizedOperation: The role's trust policy does not allow this caller to assume it.`;
    expect(outcome[`tencentcloud/${OWN}/ap-guangzhou`]).toBe('2 events');
    expect(outcome[`tencentcloud/${PROD}/ap-shanghai`]).toBe('2 events');
    expect(outcome[`tencentcloud/${TEST}/ap-guangzhou`]).toContain(denied);
    expect(outcome[`tencentcloud/${TEST}/ap-guangzhou`]).toContain(`the trust policy of ${arn(TEST)} must name this caller`);
    expect(outcome[`tencentcloud/${TEST}/ap-shanghai`]).toBe(outcome[`tencentcloud/${TEST}/ap-guangzhou`]);
    // Refused once, remembered for the run: no second AssumeRole, no CloudAudit call for that account.
    expect(emu.stsRequests.filter((r) => r.params.RoleArn === arn(TEST)).map((r) => r.errorCode)).toEqual(['AuthFailure.UnauthorizedOperation']);
    expect(emu.requests.filter((r) => r.account === TEST)).toEqual([]);
    expect(logs.text).not.toContain(TEST_SECRET_KEY);
  });

  it('a wrong external id is refused the same way', async () => {
    const { source } = await t.open({ accounts: [{ id: PROD, roleArn: arn(PROD), externalId: 'ext-wrong-0000' }] });
    const err = await rejection(fetchAll(source, `tencentcloud/${PROD}/ap-guangzhou`));
    expect(err).toMatchObject({ code: 'E_AUTH' });
    expect(err.message).toMatch(/^accounts\[0\]: AssumeRole denied: AuthFailure\.UnauthorizedOperation: The ExternalId does not match/);
    expect(err.message).toContain('and its external id');
    expect(await fetchAll(source, `tencentcloud/${OWN}/ap-guangzhou`)).toHaveLength(2);
  });
});

describe('tencentcloud source: role keys over time', () => {
  it(`assumes the role again ${RENEW_BEFORE_MS / 60_000} minutes before its keys expire, by the injected clock`, async () => {
    let nowMs = Date.now();
    const clock = () => new Date(nowMs);
    const { emu, source } = await t.open(prodOnly, { stsClock: clock }, clock);
    const prodGz = `tencentcloud/${PROD}/ap-guangzhou`;
    expect(await fetchAll(source, prodGz)).toHaveLength(2);
    expect(emu.issued).toHaveLength(1);
    const first = emu.issued[0];

    nowMs = first.expiredTime * 1000 - RENEW_BEFORE_MS - 1000; // not yet due
    expect(await fetchAll(source, prodGz)).toHaveLength(2);
    expect(emu.issued).toHaveLength(1);

    nowMs = first.expiredTime * 1000 - RENEW_BEFORE_MS + 1000; // due, though the emulator would still take them
    expect(await fetchAll(source, `tencentcloud/${PROD}/ap-shanghai`)).toHaveLength(2);
    expect(emu.served('AssumeRole')).toHaveLength(2);
    const second = emu.issued[1];
    expect(second.secretId).not.toBe(first.secretId);

    nowMs = first.expiredTime * 1000 + 1000; // past the first keys' expiry: the emulator refuses them now
    expect(await fetchAll(source, prodGz)).toHaveLength(2);
    expect(emu.served('AssumeRole')).toHaveLength(2);
    expect(emu.requests.map((r) => [r.secretId, r.errorCode])).toEqual([
      [first.secretId, null],
      [first.secretId, null],
      [second.secretId, null],
      [second.secretId, null],
    ]);

    // The old keys really are dead: a request signed with them is refused.
    const { cloudaudit } = await import('tencentcloud-sdk-nodejs/tencentcloud/services/cloudaudit/index.js');
    const stale = new cloudaudit.v20190319.Client({
      credential: { secretId: first.secretId, secretKey: first.secretKey, token: first.token },
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint: emu.url.replace('http://', ''), protocol: 'http://', reqTimeout: 5 } },
    });
    const refused = await stale.LookUpEvents({ StartTime: 1, EndTime: 2 }).then(() => 'ok', (e: { code?: string }) => e.code);
    expect(refused).toBe('AuthFailure.TokenFailure');
  });

  it('keys refused before their announced expiry are replaced once, and the listing goes on', async () => {
    const { emu, source } = await t.open(prodOnly);
    const prodGz = `tencentcloud/${PROD}/ap-guangzhou`;
    expect(await fetchAll(source, prodGz)).toHaveLength(2);
    emu.revokeIssued();
    expect(await fetchAll(source, prodGz)).toHaveLength(2);
    expect(emu.served('AssumeRole')).toHaveLength(2);
    expect(emu.requests.map((r) => r.errorCode)).toEqual([null, 'AuthFailure.TokenFailure', null]);
    expect(emu.requests[2].secretId).toBe(emu.issued[1].secretId);
  });
});

describe('tencentcloud source: a rate budget per account', () => {
  it("paces each account's calls on its own limiter, so two accounts go at twice the rate of one", async () => {
    const many = [OWN, PROD].flatMap((accountId) => Array.from({ length: 300 }, (_, i) => makeEvent({ name: 'Read', time: at(i * 10_000), accountId })));
    const { emu, source } = await t.open({ ...prodOnly, regions: ['ap-guangzhou'], maxRequestsPerSecond: 5 }, { events: many });
    const [own, prod] = source.partitions();
    const [a, b] = await Promise.all([fetchAll(source, own), fetchAll(source, prod)]);
    expect([a.length, b.length]).toEqual([300, 300]);
    const arrivals = (account?: string) => emu.requests.filter((r) => account === undefined || r.account === account).map((r) => r.time.getTime());
    const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]);
    // Each account: 6 pages, sent 1.05/5 s = 210 ms apart; arrival times jitter on a loaded machine, so well under that is allowed, not bunching.
    for (const account of [OWN, PROD]) {
      expect(arrivals(account)).toHaveLength(6);
      expect(Math.min(...gaps(arrivals(account)))).toBeGreaterThanOrEqual(150);
    }
    // Together they interleave: one shared limiter would keep every gap at 210 ms too.
    expect(Math.min(...gaps(arrivals()))).toBeLessThan(150);
  });
});
