import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  makeActionTrailEvent,
  sha256Hex,
  signAcs3,
  startActionTrailEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  type ActionTrailEmulator,
} from '../../helpers/actiontrail-emulator/index.js';

let emu: ActionTrailEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const isoNow = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A hand-signed LookupEvents request, so a test can change one thing the client never would. */
async function call(
  query: Record<string, string>,
  tweak: { secret?: string; date?: string; nonce?: string; unsigned?: string[]; afterSigning?: (q: URLSearchParams) => void } = {},
) {
  const url = new URL(emu!.url);
  const headers: Record<string, string> = {
    host: url.host,
    'x-acs-action': 'LookupEvents',
    'x-acs-version': '2020-07-06',
    'x-acs-date': tweak.date ?? isoNow(),
    'x-acs-signature-nonce': tweak.nonce ?? randomUUID(),
    'x-acs-content-sha256': sha256Hex(''),
  };
  const pairs = Object.entries(query) as [string, string][];
  const signedHeaders = Object.keys(headers).filter((h) => !(tweak.unsigned ?? []).includes(h));
  const authorization = signAcs3({ accessKeyId: TEST_ACCESS_KEY_ID, secret: tweak.secret ?? TEST_ACCESS_KEY_SECRET, method: 'POST', path: '/', query: pairs, headers, signedHeaders, payloadHash: headers['x-acs-content-sha256'] });
  const q = new URLSearchParams(query);
  tweak.afterSigning?.(q);
  const { host: _, ...sent } = headers;
  const res = await fetch(`${emu!.url}/?${q.toString().replace(/\+/g, '%20')}`, { method: 'POST', headers: { ...sent, authorization } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const window = { StartTime: '2026-11-20T00:00:00Z', EndTime: '2026-11-20T01:00:00Z' };

describe('ActionTrail emulator: Signature V3 as the gateway checks it', () => {
  it('serves a correctly signed request, values with spaces and RFC 3986 reserved characters included', async () => {
    emu = await startActionTrailEmulator({ events: [makeActionTrailEvent({ name: "Put Thing (v2)*!'", time: '2026-11-20T00:10:00Z' })] });
    const ok = await call({ ...window, 'LookupAttribute.1.Key': 'EventName', 'LookupAttribute.1.Value': "Put Thing (v2)*!'" });
    expect(ok.status).toBe(200);
    expect(ok.body.Events).toHaveLength(1);
  });

  it('refuses what Alibaba refuses, with its codes and statuses', async () => {
    emu = await startActionTrailEmulator();
    const nonce = randomUUID();
    const cases: [Parameters<typeof call>[1], string, number][] = [
      [{ secret: 'wrong' }, 'SignatureDoesNotMatch', 400],
      [{ afterSigning: (q) => q.set('EndTime', '2026-11-20T02:00:00Z') }, 'SignatureDoesNotMatch', 400],
      [{ unsigned: ['x-acs-signature-nonce'] }, 'IncompleteSignature', 400],
      [{ date: isoNow(-16 * 60_000) }, 'InvalidTimeStamp.Expired', 400],
      [{ nonce }, '', 200],
      [{ nonce }, 'SignatureNonceUsed', 400],
    ];
    for (const [tweak, code, status] of cases) {
      const res = await call(window, tweak);
      expect([res.status, res.body.Code ?? '']).toEqual([status, code]);
    }
  });

  it('checks LookupEvents parameters like the API', async () => {
    emu = await startActionTrailEmulator();
    const attr = (n: number, key: string, value: string) => ({ [`LookupAttribute.${n}.Key`]: key, [`LookupAttribute.${n}.Value`]: value });
    const cases: [Record<string, string>, string][] = [
      [{ ...window, MaxResults: '51' }, 'InvalidParameter.MaxResults'],
      [{ ...window, StartTime: '2026-11-20 00:00:00' }, 'InvalidParameter.StartTime'],
      [{ StartTime: window.EndTime, EndTime: window.StartTime }, 'InvalidParameter.EndTime'],
      [{ ...window, ...attr(1, 'Username', 'alice') }, 'InvalidParameter'],
      [{ ...window, ...attr(1, 'EventName', 'A'), ...attr(2, 'User', 'b'), ...attr(3, 'EventRW', 'Read') }, 'InvalidParameter'],
      [{ ...window, NextToken: 'made-up' }, 'InvalidParameter.NextToken'],
    ];
    for (const [query, code] of cases) expect((await call(query)).body.Code, JSON.stringify(query)).toBe(code);
  });
});
