import { afterEach, describe, expect, it } from 'vitest';
import {
  canonicalRequest,
  computeSignature,
  makeCloudTrailEvent,
  signV4,
  startCloudTrailEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_SECRET_ACCESS_KEY,
  toAmzDate,
  type CloudTrailEmulator,
} from './index.js';

// The emulator is only worth its tests if it refuses what AWS refuses: these requests are
// signed by hand (not by the SDK) so each can be wrong in exactly one way.

let emu: CloudTrailEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('SigV4', () => {
  it('matches the worked example of the AWS documentation (IAM ListUsers)', () => {
    const parts = {
      method: 'GET',
      url: '/?Action=ListUsers&Version=2010-05-08',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: 'iam.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
      signedHeaders: ['content-type', 'host', 'x-amz-date'],
      body: '',
    };
    expect(canonicalRequest(parts)).toBe(
      'GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const scope = { amzDate: '20150830T123600Z', date: '20150830', region: 'us-east-1', service: 'iam' };
    expect(computeSignature('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', parts, scope)).toBe('5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  });
});

type Call = { body?: string; target?: string; service?: string; secret?: string; date?: Date; form?: boolean; omitAuth?: boolean; tamper?: string };

async function call(o: Call = {}) {
  const url = new URL(emu!.url);
  const body = o.body ?? JSON.stringify({ StartTime: 1_795_000_000, EndTime: 1_795_003_600 });
  const amzDate = toAmzDate(o.date ?? new Date());
  const headers: Record<string, string> = o.form
    ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: url.host, 'x-amz-date': amzDate }
    : { 'content-type': 'application/x-amz-json-1.1', host: url.host, 'x-amz-date': amzDate, 'x-amz-target': o.target ?? 'CloudTrail_20131101.LookupEvents' };
  const scope = { amzDate, date: amzDate.slice(0, 8), region: 'us-east-1', service: o.service ?? (o.form ? 'sts' : 'cloudtrail') };
  const parts = { method: 'POST', url: '/', headers, signedHeaders: Object.keys(headers), body };
  const authorization = signV4({ accessKeyId: TEST_ACCESS_KEY_ID, secretKey: o.secret ?? TEST_SECRET_ACCESS_KEY, scope, parts });
  const { host: _, ...sent } = headers;
  const res = await fetch(emu!.url, { method: 'POST', headers: { ...sent, ...(o.omitAuth ? {} : { authorization }) }, body: o.tamper ?? body });
  const text = await res.text();
  return { status: res.status, text, json: o.form ? undefined : JSON.parse(text) };
}

describe('CloudTrail emulator', () => {
  it('answers a correctly signed LookupEvents, newest first', async () => {
    const events = [makeCloudTrailEvent({ name: 'A', time: 1_795_000_010 }), makeCloudTrailEvent({ name: 'B', time: 1_795_000_020 })];
    emu = await startCloudTrailEmulator({ events });
    const { status, json } = await call();
    expect(status).toBe(200);
    expect(json.Events.map((e: { EventName: string }) => e.EventName)).toEqual(['B', 'A']);
    expect(JSON.parse(json.Events[0].CloudTrailEvent)).toEqual(events[1]);
  });

  it('refuses a bad signature, an unknown service scope, a missing header, a stale date, a tampered body', async () => {
    emu = await startCloudTrailEmulator();
    const type = async (o: Call) => (await call(o)).json.__type;
    expect(await type({ secret: 'not-the-secret' })).toBe('InvalidSignatureException');
    expect(await type({ service: 'sts' })).toBe('InvalidSignatureException');
    expect(await type({ omitAuth: true })).toBe('MissingAuthenticationTokenException');
    expect(await type({ date: new Date(Date.now() - 6 * 60_000) })).toBe('InvalidSignatureException');
    expect(await type({ tamper: JSON.stringify({ StartTime: 1, EndTime: 2 }) })).toBe('InvalidSignatureException');
    expect(await type({ target: 'CloudTrail_20131101.DeleteTrail' })).toBe('UnknownOperationException');
    // Only the last one's signature held.
    expect(emu.requests.filter((r) => r.accessKeyId !== null).map((r) => r.errorCode)).toEqual(['UnknownOperationException']);
  });

  it('validates LookupEvents as the API reference says', async () => {
    emu = await startCloudTrailEmulator();
    const type = async (params: Record<string, unknown>) => (await call({ body: JSON.stringify(params) })).json.__type;
    const two = [{ AttributeKey: 'EventName', AttributeValue: 'A' }, { AttributeKey: 'EventName', AttributeValue: 'B' }];
    expect(await type({ LookupAttributes: two })).toBe('InvalidLookupAttributesException');
    expect(await type({ LookupAttributes: [{ AttributeKey: 'Region', AttributeValue: 'x' }] })).toBe('InvalidLookupAttributesException');
    expect(await type({ MaxResults: 51 })).toBe('InvalidMaxResultsException');
    expect(await type({ StartTime: 20, EndTime: 10 })).toBe('InvalidTimeRangeException');
    expect(await type({ NextToken: 'made-up' })).toBe('InvalidNextTokenException');
  });

  it('throttles past its rate limit with ThrottlingException (HTTP 400)', async () => {
    emu = await startCloudTrailEmulator({ rateLimit: 2 });
    const answers = await Promise.all([call(), call(), call()]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 400]);
    expect(answers.find((a) => a.status === 400)!.json).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
  });

  it('answers STS GetCallerIdentity in XML, and SignatureDoesNotMatch (403) for a wrong secret', async () => {
    emu = await startCloudTrailEmulator({ credentials: { [TEST_ACCESS_KEY_ID]: { secretAccessKey: TEST_SECRET_ACCESS_KEY, account: '210987654321' } } });
    const ok = await call({ form: true, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('<Account>210987654321</Account>');
    const bad = await call({ form: true, body: 'Action=GetCallerIdentity&Version=2011-06-15', secret: 'wrong' });
    expect(bad.status).toBe(403);
    expect(bad.text).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});
