import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEventSchema } from '../../../src/events/index.js';
import { AuditError } from '../../../src/errors.js';
import { alibabaRecordFormat } from '../../../src/sources/alibabacloud/format.js';
import { normalizeAlibabaRecord } from '../../../src/sources/alibabacloud/normalize.js';
import { makeActionTrailEvent } from '../../helpers/actiontrail-emulator/index.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/events/alibaba-normalize');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

interface Meta {
  /** `inner`: raw is the record an SLS row wraps (as a JSON string under `event`). */
  raw?: 'input' | 'inner';
  warnings?: number;
  region?: string;
  account?: string;
  throws?: string;
}

const cases = readdirSync(FIXTURES).sort();
const caseInput = (name: string) => readJson(join(FIXTURES, name, 'input.json'));
const success = caseInput('api-call-success-ram-user');

describe('normalizeAlibabaRecord fixtures', () => {
  it('has the fixture table', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s', (name) => {
    const dir = join(FIXTURES, name);
    const input = caseInput(name);
    const meta: Meta = existsSync(join(dir, 'meta.json')) ? readJson(join(dir, 'meta.json')) : {};
    const warnings: string[] = [];
    const ctx = { region: meta.region, account: meta.account, warn: (m: string) => warnings.push(m) };
    if (meta.throws) {
      const caught = (() => {
        try {
          normalizeAlibabaRecord(input, ctx);
        } catch (err) {
          return err;
        }
      })();
      expect(caught).toBeInstanceOf(AuditError);
      expect((caught as AuditError).code).toBe(meta.throws);
      return;
    }
    const event = normalizeAlibabaRecord(input, ctx);
    expect(auditEventSchema.safeParse(event).success).toBe(true);
    const expected = readJson(join(dir, 'expected.json'));
    // The table itself must be valid normalized events, or it proves nothing.
    expect(auditEventSchema.safeParse({ ...expected, raw: null }).success).toBe(true);
    const { raw, ...rest } = event;
    expect(rest).toEqual(expected);
    expect(raw).toEqual(meta.raw === 'inner' ? JSON.parse(input.event) : input);
    expect(warnings).toHaveLength(meta.warnings ?? 0);
    for (const w of warnings) expect(w).toContain(event.id);
  });
});

describe('normalizeAlibabaRecord', () => {
  it('reads an empty or absent errorCode and errorMessage as success, either filled in as failure', () => {
    for (const [errorCode, errorMessage] of [['', ''], [undefined, undefined], ['', undefined], [null, null]]) {
      expect(normalizeAlibabaRecord({ ...success, errorCode, errorMessage }).error).toBeNull();
    }
    expect(normalizeAlibabaRecord({ ...success, errorCode: 'NoPermission', errorMessage: '' }).error).toEqual({ code: 'NoPermission', message: 'NoPermission' });
    expect(normalizeAlibabaRecord({ ...success, errorCode: '', errorMessage: 'denied' }).error).toEqual({ code: 'unknown', message: 'denied' });
  });

  it('marks the root account and console sign-ins with the portable fields', () => {
    const root = normalizeAlibabaRecord(caseInput('root-console-signin'));
    expect([root.actor.root, root.login]).toEqual([true, true]);
    const api = normalizeAlibabaRecord({ ...success, userIdentity: { ...success.userIdentity, type: 'root-account' } });
    expect([api.actor.root, api.login]).toEqual([true, false]);
  });

  it('takes the account and region it was fetched for when the record names none', () => {
    const { userIdentity: _, acsRegion: __, ...bare } = success;
    expect(normalizeAlibabaRecord(bare, { account: '42', region: 'cn-shenzhen' })).toMatchObject({ account: '42', region: 'cn-shenzhen' });
  });

  it('rejects what is not an object', () => {
    for (const bad of ['nope', null, 42, [success]]) expect(() => normalizeAlibabaRecord(bad)).toThrow(AuditError);
  });

  it('normalizes what the emulator makes into valid events', () => {
    const made = [
      makeActionTrailEvent({ name: 'ConsoleSignin', time: 1_714_550_400, actorType: 'root-account', mfa: false }),
      makeActionTrailEvent({ name: 'DeleteBucket', time: 1_714_550_400, service: 'Oss', errorCode: 'BucketNotEmpty' }),
      makeActionTrailEvent({ name: 'AssumeRole', time: 1_714_550_400, actorType: 'assumed-role', service: 'Sts' }),
    ];
    for (const record of made) expect(auditEventSchema.safeParse(normalizeAlibabaRecord(record)).success).toBe(true);
    expect(made.map((r) => normalizeAlibabaRecord(r).error?.code ?? null)).toEqual([null, 'BucketNotEmpty', null]);
  });
});

describe('alibabaRecordFormat', () => {
  it('recognizes ActionTrail records, bare or wrapped in an SLS row', () => {
    expect(alibabaRecordFormat.provider).toBe('alibabacloud');
    for (const name of cases.filter((c) => c !== 'no-id-no-request')) expect(alibabaRecordFormat.detect(caseInput(name)), name).toBe(true);
    expect(alibabaRecordFormat.normalize(caseInput('sls-wrapped-json-string')).name).toBe('DeleteBucket');
  });

  it('leaves CloudAudit, CloudTrail and normalized events alone', () => {
    const cloudAudit = { eventID: 'x', eventName: 'ConsoleLogin', eventRegion: 'ap-guangzhou', userIdentity: { type: 'Root' }, actionType: 'Write' };
    const cloudTrail = { eventID: 'y', eventName: 'ConsoleLogin', awsRegion: 'us-east-1', userIdentity: { type: 'Root' }, readOnly: false };
    const apiEvent = { EventId: 'z', EventName: 'ConsoleLogin', CloudAuditEvent: '{}' };
    const normalized = normalizeAlibabaRecord(success);
    for (const other of [cloudAudit, cloudTrail, apiEvent, normalized, null, 'text', [success]]) expect(alibabaRecordFormat.detect(other)).toBe(false);
  });
});
