// The emulator's STS, through the official SDK clients, as the source uses them.
import { afterEach, describe, expect, it } from 'vitest';
import { cloudaudit } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cloudaudit/index.js';
import { Client as StsClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/sts/v20180813/sts_client.js';
import { makeEvent, startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY, type Emulator, type EmulatorOptions } from './index.js';

const OWN = '100000000001';
const OTHER = '100000000002';
const ROLE = `qcs::cam::uin/${OTHER}:roleName/AuditReader`;
const T0 = new Date('2026-11-20T00:00:00Z');
const window = { StartTime: Math.floor(T0.getTime() / 1000), EndTime: Math.floor(T0.getTime() / 1000) + 3600 };
const events = [makeEvent({ name: 'Mine', time: new Date(T0.getTime() + 60_000) }), makeEvent({ name: 'Theirs', time: new Date(T0.getTime() + 120_000), accountId: OTHER })];

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

type Keys = { secretId: string; secretKey: string; token?: string };
const own: Keys = { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY };
const profile = (e: Emulator) => ({ httpProfile: { endpoint: e.url.replace('http://', ''), protocol: 'http://', reqTimeout: 5 } });
const sts = (e: Emulator, credential: Keys = own, region: string | null = 'ap-guangzhou') => new StsClient({ credential, ...(region ? { region } : {}), profile: profile(e) });
const audit = (e: Emulator, credential: Keys) => new cloudaudit.v20190319.Client({ credential, region: 'ap-guangzhou', profile: profile(e) });
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (err: { code?: string }) => err.code ?? 'no code');

async function start(opts: EmulatorOptions = {}) {
  emu = await startEmulator({ events, roles: [{ roleArn: ROLE, account: OTHER, externalId: 'ext-0001' }], ...opts });
  return emu;
}

async function assume(e: Emulator, extra: Record<string, unknown> = {}): Promise<Keys> {
  const res = await sts(e).AssumeRole({ RoleArn: ROLE, RoleSessionName: 'test', ExternalId: 'ext-0001', ...extra });
  return { secretId: res.Credentials!.TmpSecretId!, secretKey: res.Credentials!.TmpSecretKey!, token: res.Credentials!.Token! };
}

describe('emulator STS', () => {
  it('GetCallerIdentity names the account of the signing key, and of assumed keys', async () => {
    const e = await start();
    expect(await sts(e).GetCallerIdentity()).toMatchObject({ AccountId: OWN, Type: 'CAMUser' });
    expect(await sts(e, await assume(e)).GetCallerIdentity()).toMatchObject({ AccountId: OTHER, Type: 'CAMRole', UserId: 'AuditReader:test' });
    expect(e.stsRequests.map((r) => [r.action, r.account])).toEqual([['GetCallerIdentity', OWN], ['AssumeRole', OWN], ['GetCallerIdentity', OTHER]]);
    expect(e.requests).toEqual([]);
  });

  it('checks the TC3 signature and the Region as for CloudAudit', async () => {
    const e = await start();
    expect(await codeOf(sts(e, { ...own, secretKey: 'wrong' }).GetCallerIdentity())).toBe('AuthFailure.SignatureFailure');
    expect(await codeOf(sts(e, { ...own, secretId: 'AKIDNOBODY' }).GetCallerIdentity())).toBe('AuthFailure.SecretIdNotFound');
    expect(await codeOf(sts(e, own, null).GetCallerIdentity())).toBe('MissingParameter');
  });

  it('AssumeRole checks the role, the external id, the trust policy and its parameters', async () => {
    const e = await start({ roles: [{ roleArn: ROLE, account: OTHER, externalId: 'ext-0001', trusted: ['100000000009'] }, { roleArn: `${ROLE}2`, account: OTHER }] });
    expect(await codeOf(assume(e))).toBe('AuthFailure.UnauthorizedOperation'); // this caller is not trusted
    expect(await codeOf(assume(e, { RoleArn: `${ROLE}2`, ExternalId: undefined }))).toBe('ok');
    expect(await codeOf(assume(e, { RoleArn: `${ROLE}3` }))).toBe('ResourceNotFound.RoleNotExist');
    expect(await codeOf(assume(e, { RoleArn: `${ROLE}2`, RoleSessionName: 'x' }))).toBe('InvalidParameter');
    expect(await codeOf(assume(e, { RoleArn: `${ROLE}2`, DurationSeconds: 50_000 }))).toBe('InvalidParameter.OverTimeError');
    const other = await startEmulator({ roles: [{ roleArn: ROLE, account: OTHER, externalId: 'ext-0001' }] });
    try {
      expect(await codeOf(assume(other, { ExternalId: 'ext-9999' }))).toBe('AuthFailure.UnauthorizedOperation');
      expect(await codeOf(assume(other, { ExternalId: undefined }))).toBe('AuthFailure.UnauthorizedOperation');
    } finally {
      await other.close();
    }
  });

  it("assumed keys list only their account's events, need their token, and expire by the STS clock", async () => {
    let nowMs = Date.now();
    const e = await start({ stsClock: () => new Date(nowMs), tokenLifetimeSeconds: 900 });
    const keys = await assume(e);
    expect(e.issued[0]).toMatchObject({ account: OTHER, secretId: keys.secretId, expiredTime: Math.floor(nowMs / 1000) + 900 });
    expect((await audit(e, keys).LookUpEvents(window)).Events!.map((x) => x.EventName)).toEqual(['Theirs']);
    expect((await audit(e, own).LookUpEvents(window)).Events!.map((x) => x.EventName)).toEqual(['Mine']);
    expect(await codeOf(audit(e, { ...keys, token: undefined }).LookUpEvents(window))).toBe('AuthFailure.TokenFailure');
    expect(e.requests.map((r) => [r.account, r.errorCode])).toEqual([[OTHER, null], [OWN, null], [null, 'AuthFailure.TokenFailure']]);
    nowMs += 900_000;
    expect(await codeOf(audit(e, keys).LookUpEvents(window))).toBe('AuthFailure.TokenFailure');
  });

  it("one account's NextToken pages nothing for another", async () => {
    const many = Array.from({ length: 3 }, (_, i) => makeEvent({ name: 'E', time: new Date(T0.getTime() + i * 1000), accountId: OTHER }));
    const e = await start({ events: [...many, ...many.map((x) => ({ ...x, EventId: `${x.EventId}-own`, AccountID: Number(OWN) }))] });
    const first = await audit(e, await assume(e)).LookUpEvents({ ...window, MaxResults: 1 });
    expect(await codeOf(audit(e, own).LookUpEvents({ ...window, MaxResults: 1, NextToken: first.NextToken }))).toBe('InvalidParameterValue');
  });

  it('without accounts or roles every key sees every event, as before', async () => {
    const e = await startEmulator({ events });
    emu = e;
    expect((await audit(e, own).LookUpEvents(window)).Events!.map((x) => x.EventName)).toEqual(['Theirs', 'Mine']);
    expect(e.requests[0].account).toBe(OWN);
  });

  it('scripted STS failures leave CloudAudit requests alone, and the reverse', async () => {
    const e = await start();
    e.failNextSts(1, { code: 'InternalError' });
    e.failNext(1, { code: 'RequestLimitExceeded' });
    expect(await codeOf(sts(e).GetCallerIdentity())).toBe('InternalError');
    expect(await codeOf(audit(e, own).LookUpEvents(window))).toBe('RequestLimitExceeded');
    expect(await codeOf(sts(e).GetCallerIdentity())).toBe('ok');
    expect(e.served('GetCallerIdentity')).toHaveLength(1);
    expect(e.served()).toEqual([]);
  });
});
