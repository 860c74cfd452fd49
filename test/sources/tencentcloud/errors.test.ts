import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { AuditError } from '../../../src/errors.js';
import { classify, oneLine } from '../../../src/sources/tencentcloud/errors.js';

const sdkError = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.message ?? 'boom')), fields);

describe('classify', () => {
  it.each([
    [{ code: 'RequestLimitExceeded' }, 'retry'],
    [{ code: 'RequestLimitExceeded.UinLimitExceeded' }, 'retry'],
    [{ code: 'InternalError' }, 'retry'],
    [{ code: 'InternalError.SearchError' }, 'retry'],
    [{ code: 'AuthFailure.SignatureExpire' }, 'auth'],
    [{ code: 'UnauthorizedOperation' }, 'auth'],
    [{ code: 'InvalidParameter.Time' }, 'fatal'],
    [{ code: 'InvalidParameterValue.MaxResult' }, 'fatal'],
    [{ code: 'LimitExceeded.OverTime' }, 'fatal'],
    [{ httpCode: 502, message: 'Bad Gateway' }, 'retry'],
    [{ httpCode: 404, message: 'Not Found' }, 'fatal'],
    [{ message: 'network timeout at: http://127.0.0.1:1/' }, 'retry'],
    [{ message: 'request to http://127.0.0.1:1/ failed, reason: connect ECONNREFUSED' }, 'retry'],
  ])('%j → %s', (fields, kind) => {
    expect(classify(sdkError(fields)).kind).toBe(kind);
  });

  it('names transport failures', () => {
    expect(classify(sdkError({ message: 'network timeout at: x' })).code).toBe('Timeout');
    expect(classify(sdkError({ message: 'socket hang up' })).code).toBe('NetworkError');
    expect(classify(sdkError({ httpCode: 503 })).code).toBe('HTTP 503');
  });

  it('never retries our own errors', () => {
    expect(classify(new AuditError('E_AUTH', 'credentials: none')).kind).toBe('fatal');
  });
});

describe('oneLine', () => {
  it('flattens and bounds text', () => {
    expect(oneLine('a\n  b\tc')).toBe('a b c');
    expect(oneLine('x'.repeat(300))).toHaveLength(200);
  });
});

describe('SDK imports', () => {
  it('load only the cloudaudit and sts modules and common classes, never the package root', async () => {
    const dir = new URL('../../../src/sources/tencentcloud/', import.meta.url);
    const specifiers: string[] = [];
    for (const file of await readdir(dir)) {
      const text = await readFile(new URL(file, dir), 'utf8');
      specifiers.push(...[...text.matchAll(/['"](tencentcloud-sdk-nodejs[^'"]*)['"]/g)].map((m) => m[1]));
    }
    expect(specifiers.length).toBeGreaterThan(0);
    for (const s of specifiers) expect(s).toMatch(/^tencentcloud-sdk-nodejs\/tencentcloud\/(services\/cloudaudit|services\/sts\/v20180813|common)\//);
  });
});
