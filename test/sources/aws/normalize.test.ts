import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEventSchema } from '../../../src/events/index.js';
import { AuditError } from '../../../src/errors.js';
import { awsRecordFormat } from '../../../src/sources/aws/format.js';
import { normalizeAwsRecord } from '../../../src/sources/aws/normalize.js';
import { makeCloudTrailEvent, toLookupEvent } from '../../helpers/cloudtrail-emulator/index.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/events/aws-normalize');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

interface Meta {
  /** What `raw` must be: the input (default) or the record inside its CloudTrailEvent. */
  raw?: 'input' | 'inner';
  warnings?: number;
  region?: string;
  account?: string;
  throws?: string;
}

const cases = readdirSync(FIXTURES).sort();

describe('normalizeAwsRecord fixtures', () => {
  it('has the fixture table', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s', (name) => {
    const dir = join(FIXTURES, name);
    const input = readJson(join(dir, 'input.json'));
    const meta: Meta = existsSync(join(dir, 'meta.json')) ? readJson(join(dir, 'meta.json')) : {};
    const warnings: string[] = [];
    const ctx = { region: meta.region, account: meta.account, warn: (m: string) => warnings.push(m) };

    if (meta.throws) {
      expect(() => normalizeAwsRecord(input, ctx)).toThrow(expect.objectContaining({ code: meta.throws }));
      return;
    }
    const event = normalizeAwsRecord(input, ctx);
    const expected = readJson(join(dir, 'expected.json'));
    // The expected output is itself a valid event, or the table proves nothing.
    expect(auditEventSchema.safeParse({ ...expected, raw: null }).success).toBe(true);
    expect(auditEventSchema.safeParse(event).success).toBe(true);
    const { raw, ...rest } = event;
    expect(rest).toEqual(expected);
    expect(raw).toEqual(meta.raw === 'inner' ? JSON.parse(input.CloudTrailEvent) : input);
    expect(warnings).toHaveLength(meta.warnings ?? 0);
    for (const w of warnings) expect(w).toContain(event.id);
  });
});

describe('normalizeAwsRecord', () => {
  const fixture = (name: string) => readJson(join(FIXTURES, name, 'input.json'));

  it('sets the portable fields: actor.root only for Root, login only for ConsoleLogin', () => {
    const table = [
      ['root-console-login', true, true],
      ['root-console-login-failed', true, true],
      ['iam-user-console-login-mfa', false, true],
      ['iam-user-delete-bucket', false, false],
      ['assumed-role-read-only', false, false],
      ['aws-service-call', false, false],
    ] as const;
    for (const [name, root, login] of table) {
      const e = normalizeAwsRecord(fixture(name));
      expect([name, e.actor.root, e.login]).toEqual([name, root, login]);
    }
  });

  it('gives the same event for a record from S3 and the same record through LookupEvents', () => {
    for (const spec of [
      { name: 'ConsoleLogin', identity: 'Root', mfa: false },
      { name: 'DeleteBucket', resources: [{ type: 'AWS::S3::Bucket', arn: 'arn:aws:s3:::logs' }] },
      { name: 'DescribeInstances', identity: 'AssumedRole' },
      { name: 'PutBucketPolicy', errorCode: 'AccessDenied', errorMessage: 'Access Denied' },
    ] as const) {
      const record = makeCloudTrailEvent({ ...spec, time: '2026-11-20T01:02:03Z' });
      // What the SDK hands over: EventTime as a Date.
      const viaApi = { ...toLookupEvent(record), EventTime: new Date(Date.parse(record.eventTime)) };
      expect(normalizeAwsRecord(viaApi)).toEqual(normalizeAwsRecord(record));
    }
  });

  it('reads readOnly from the record, else from LookupEvents\' "true"/"false"', () => {
    const record = makeCloudTrailEvent({ name: 'GetObject', time: 1_795_000_000 });
    expect(normalizeAwsRecord(record).readOnly).toBe(true);
    const { readOnly: _, ...without } = record;
    expect(normalizeAwsRecord({ EventId: 'x', ReadOnly: 'false', CloudTrailEvent: JSON.stringify(without) }).readOnly).toBe(false);
    expect(normalizeAwsRecord(without).readOnly).toBeNull();
  });

  it('derives a stable id only when there is something to derive it from', () => {
    const { eventID: _, ...record } = makeCloudTrailEvent({ name: 'DeleteTrail', time: 1_795_000_000 });
    expect(normalizeAwsRecord(record).id).toBe(normalizeAwsRecord({ ...record }).id);
    expect(normalizeAwsRecord(record).id).toMatch(/^derived-[0-9a-f]{32}$/);
    expect(() => normalizeAwsRecord({ awsRegion: 'us-east-1' })).toThrow(AuditError);
    expect(() => normalizeAwsRecord('nope')).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => normalizeAwsRecord(null)).toThrow(AuditError);
  });

  it('warns and uses the epoch for a record without a usable time', () => {
    const warnings: string[] = [];
    const e = normalizeAwsRecord({ ...makeCloudTrailEvent({ name: 'X', time: 0, id: 'no-time' }), eventTime: '2026-11-20 01:02:03' }, { warn: (m) => warnings.push(m) });
    expect(e.time).toBe('1970-01-01T00:00:00.000Z');
    expect(warnings).toEqual([expect.stringContaining('no-time')]);
  });
});

describe('awsRecordFormat', () => {
  it('detects CloudTrail records and LookupEvents elements, and nothing else', () => {
    const record = makeCloudTrailEvent({ name: 'StopLogging', time: 1_795_000_000 });
    expect(awsRecordFormat.provider).toBe('aws');
    expect(awsRecordFormat.detect(record)).toBe(true);
    expect(awsRecordFormat.detect(toLookupEvent(record))).toBe(true);
    const tencent = readJson(join(import.meta.dirname, '../../fixtures/events/tencent-normalize/seed-bare-record/input.json'));
    const tencentApi = readJson(join(import.meta.dirname, '../../fixtures/events/tencent-normalize/seed-api-event/input.json'));
    const actionTrail = { eventVersion: '1', eventName: 'ConsoleSignin', acsRegion: 'cn-hangzhou', userIdentity: { type: 'root-account' } };
    for (const other of [tencent, tencentApi, actionTrail, { id: 'x', time: 't', provider: 'aws', actor: {} }, [record], null, 'text']) {
      expect(awsRecordFormat.detect(other)).toBe(false);
    }
    expect(awsRecordFormat.normalize(record, {})).toMatchObject({ provider: 'aws', name: 'StopLogging', service: 'cloudtrail' });
  });
});
