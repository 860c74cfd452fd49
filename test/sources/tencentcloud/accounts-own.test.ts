// The caller's own account in a multi-account source: named by GetCallerIdentity (once per
// process) or by `account`, and the partitions renamed from before accounts carry their checkpoints.
import { afterEach, describe, expect, it } from 'vitest';
import { newSessionCache } from '../../../src/sources/tencentcloud/role-credentials.js';
import { TEST_SECRET_ID } from '../../helpers/emulator/index.js';
import { arn, context, fetchAll, Opened, optionsFor, OWN, PROD, prodAndDenied, prodOnly, TEST } from './accounts-harness.js';
import { rejection } from './harness.js';

const t = new Opened();
afterEach(() => t.close());

describe('tencentcloud source: the own account', () => {
  it('is asked once with GetCallerIdentity, and named in partitions', async () => {
    const { emu, source } = await t.open({});
    expect(source.partitions()).toEqual([`tencentcloud/${OWN}/ap-guangzhou`, `tencentcloud/${OWN}/ap-shanghai`]);
    for (const p of source.partitions()) await fetchAll(source, p);
    expect(emu.stsRequests.map((r) => [r.action, r.secretId, r.errorCode])).toEqual([['GetCallerIdentity', TEST_SECRET_ID, null]]);
  });

  it('is not asked at all when account is configured, and STS is asked only for roles then', async () => {
    const { emu, source: first } = await t.open({ account: '100000000077' });
    expect(first.partitions()).toEqual(['tencentcloud/100000000077/ap-guangzhou', 'tencentcloud/100000000077/ap-shanghai']);
    await fetchAll(first, first.partitions()[0]);
    expect(emu.stsRequests).toEqual([]);

    const source = await t.create(optionsFor(emu, { account: OWN, ...prodOnly }), context());
    await fetchAll(source, `tencentcloud/${PROD}/ap-guangzhou`);
    expect(emu.stsRequests.map((r) => r.action)).toEqual(['AssumeRole']);
  });

  it('previousName gives the own account partitions their names from before accounts, and no other', async () => {
    const { source } = await t.open(prodOnly);
    expect(source.previousName?.(`tencentcloud/${OWN}/ap-guangzhou`)).toBe('tencentcloud/ap-guangzhou');
    expect(source.previousName?.(`tencentcloud/${OWN}/ap-shanghai`)).toBe('tencentcloud/ap-shanghai');
    expect(source.previousName?.(`tencentcloud/${PROD}/ap-guangzhou`)).toBeUndefined();
    expect(source.previousName?.('tencentcloud/ap-guangzhou')).toBeUndefined();
  });

  it('a GetCallerIdentity that is refused stops the source at creation with E_AUTH naming the code, not the key', async () => {
    const err = await rejection(t.open({ credentials: { secretId: TEST_SECRET_ID, secretKey: 'wrong-key-MUST-NOT-SHOW' } }));
    expect(err).toMatchObject({ code: 'E_AUTH' });
    expect(err.message).toMatch(/^GetCallerIdentity refused with AuthFailure\.SignatureFailure: check that the SecretKey belongs to the SecretId/);
    expect(err.message).toContain('source.account skips this call');
    expect(err.message).not.toContain('wrong-key-MUST-NOT-SHOW');
    expect(t.emu!.stsRequests.map((r) => r.errorCode)).toEqual(['AuthFailure.SignatureFailure']);
    expect(t.emu!.requests).toEqual([]);
  });

  it('an STS that keeps failing is retried, then E_SOURCE', async () => {
    const emu = await t.emulator();
    emu.failNextSts(2, { code: 'InternalError' });
    const err = await rejection(t.create(optionsFor(emu, { maxAttempts: 2 }), context()));
    expect(err).toMatchObject({ code: 'E_SOURCE', message: expect.stringMatching(/^GetCallerIdentity failed after 2 attempts: InternalError/) });
  });

  it("listing the own account among accounts is a config error naming the entry", async () => {
    const err = await rejection(t.open({ accounts: [{ id: OWN, roleArn: arn(OWN) }] }));
    expect(err).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining(`accounts[0]: ${OWN} is the credentials' own account`) });
  });
});

describe('tencentcloud source: one process, many runs', () => {
  it('sources opened one after another (audit watch ticks) share the account id and the role keys until they are due', async () => {
    let nowMs = Date.now();
    const clock = () => new Date(nowMs);
    const emu = await t.emulator({ stsClock: clock });
    const opts = optionsFor(emu, prodOnly);
    const sessions = newSessionCache();
    const tick = async () => {
      const s = await t.create(opts, context(clock, undefined, sessions));
      for (const p of s.partitions()) expect(await fetchAll(s, p)).toHaveLength(2);
    };
    await tick();
    nowMs += 30 * 60_000;
    await tick();
    expect(emu.stsRequests.map((r) => r.action)).toEqual(['GetCallerIdentity', 'AssumeRole']);
    nowMs += 30 * 60_000; // the keys are due now
    await tick();
    expect(emu.stsRequests.map((r) => r.action)).toEqual(['GetCallerIdentity', 'AssumeRole', 'AssumeRole']);
    expect(emu.requests).toHaveLength(6);
  });

  it('a denied role is asked again by the next source: the trust policy may have been fixed meanwhile', async () => {
    const emu = await t.emulator();
    const opts = optionsFor(emu, { account: OWN, ...prodAndDenied });
    const sessions = newSessionCache();
    for (let run = 0; run < 2; run++) {
      const source = await t.create(opts, context(undefined, undefined, sessions));
      await expect(fetchAll(source, `tencentcloud/${TEST}/ap-guangzhou`)).rejects.toMatchObject({ code: 'E_AUTH' });
    }
    expect(emu.stsRequests.filter((r) => r.params.RoleArn === arn(TEST))).toHaveLength(2);
  });
});
