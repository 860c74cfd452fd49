import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEventSchema } from '../../../src/events/index.js';
import { AuditError } from '../../../src/errors.js';
import { normalizeTencentRecord, tencentResponseEvents, tencentShapeOf } from '../../../src/sources/tencentcloud/normalize.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/events/tencent-normalize');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

interface Meta {
  raw?: 'input' | 'inner';
  warnings?: number;
  region?: string;
  throws?: string;
}

const cases = readdirSync(FIXTURES).sort();

describe('normalizeTencentRecord fixtures', () => {
  it('has the fixture table', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases)('%s', (name) => {
    const dir = join(FIXTURES, name);
    const input = readJson(join(dir, 'input.json'));
    const meta: Meta = existsSync(join(dir, 'meta.json')) ? readJson(join(dir, 'meta.json')) : {};
    const warnings: string[] = [];
    const ctx = { region: meta.region, warn: (m: string) => warnings.push(m) };

    if (meta.throws) {
      let caught: unknown;
      try {
        normalizeTencentRecord(input, ctx);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(AuditError);
      expect((caught as AuditError).code).toBe(meta.throws);
      return;
    }

    const event = normalizeTencentRecord(input, ctx);
    expect(auditEventSchema.safeParse(event).success).toBe(true);
    const { raw, ...rest } = event;
    expect(rest).toEqual(readJson(join(dir, 'expected.json')));
    expect(raw).toEqual(meta.raw === 'inner' ? JSON.parse(input.CloudAuditEvent) : input);
    expect(warnings).toHaveLength(meta.warnings ?? 0);
    for (const w of warnings) expect(w).toContain(event.id);
  });
});

describe('normalizeTencentRecord', () => {
  const seed = readJson(join(FIXTURES, 'seed-bare-record/input.json'));

  it('treats "permission verify" with zero codes as success, in every spelling of zero', () => {
    for (const [errorCode, apiErrorCode] of [[0, 0], ['0', '0'], ['0', undefined], [0, ''], [undefined, undefined]]) {
      const e = normalizeTencentRecord({ ...seed, errorCode, apiErrorCode }, {});
      expect(e.error).toBeNull();
    }
  });

  it('keeps the session context reachable through raw', () => {
    const record = { ...seed, userIdentity: { ...seed.userIdentity, sessionContext: { attributes: { mfaAuthenticated: 'false' } } } };
    const e = normalizeTencentRecord({ EventId: 'x1', CloudAuditEvent: JSON.stringify(record) }, {});
    expect((e.raw as any).userIdentity.sessionContext.attributes.mfaAuthenticated).toBe('false');
  });

  it('warns once per bad record and never throws for one', () => {
    const warnings: string[] = [];
    const e = normalizeTencentRecord({ EventId: 'bad-1', EventTime: '1795341640', CloudAuditEvent: '[1,2' }, { warn: (m) => warnings.push(m) });
    expect(e.id).toBe('bad-1');
    expect(warnings).toEqual([expect.stringContaining('bad-1')]);
  });

  it('treats a CloudAuditEvent that is JSON but not an object as unparseable', () => {
    const warnings: string[] = [];
    normalizeTencentRecord({ EventId: 'bad-2', EventTime: '1795341640', CloudAuditEvent: '"just a string"' }, { warn: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
  });

  it('accepts an already-parsed CloudAuditEvent object', () => {
    const e = normalizeTencentRecord({ EventId: 'obj-1', CloudAuditEvent: seed }, {});
    expect(e.actor.type).toBe('Root');
    expect(e.time).toBe('2024-01-30T06:48:01.000Z');
  });

  it('reads both time formats to the same instant', () => {
    const a = normalizeTencentRecord({ ...seed, eventTime: 1795341640 }, {});
    const b = normalizeTencentRecord({ ...seed, eventTime: '2026-11-22 18:00:40' }, {});
    const c = normalizeTencentRecord({ ...seed, eventTime: '1795341640' }, {});
    expect(a.time).toBe('2026-11-22T10:00:40.000Z');
    expect(b.time).toBe(a.time);
    expect(c.time).toBe(a.time);
  });

  it('rejects a record that is not an object', () => {
    expect(() => normalizeTencentRecord('nope', {})).toThrow(AuditError);
    expect(() => normalizeTencentRecord(null, {})).toThrow(AuditError);
  });
});

describe('shape detection', () => {
  const seed = readJson(join(FIXTURES, 'seed-bare-record/input.json'));
  const apiEvent = readJson(join(FIXTURES, 'seed-api-event/input.json'));

  it('tells responses, API events and bare records apart', () => {
    expect(tencentShapeOf({ Response: { Events: [apiEvent], ListOver: true } })).toBe('response');
    expect(tencentShapeOf({ Events: [apiEvent] })).toBe('response');
    expect(tencentShapeOf(apiEvent)).toBe('event');
    expect(tencentShapeOf(seed)).toBe('record');
    expect(tencentShapeOf({ id: 'x', time: 't' })).toBeNull();
    expect(tencentShapeOf([seed])).toBeNull();
  });

  it('returns the events of a response', () => {
    expect(tencentResponseEvents({ Response: { Events: [apiEvent] } })).toEqual([apiEvent]);
    expect(tencentResponseEvents({ Response: { Error: { Code: 'AuthFailure' } } })).toBeNull();
    expect(tencentResponseEvents(apiEvent)).toBeNull();
  });
});
