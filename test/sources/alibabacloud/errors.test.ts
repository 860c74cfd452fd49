import { describe, expect, it } from 'vitest';
import { AuditError } from '../../../src/errors.js';
import { authError, classify, ramAction } from '../../../src/sources/alibabacloud/errors.js';

/** What the official client throws for an error answer: the server's Code, and its body under data. */
const apiError = (code: string, statusCode: number, Message = 'message') =>
  Object.assign(new Error(`${code}: code: ${statusCode}, ${Message} request id: X`), { code, statusCode, data: { Code: code, Message, statusCode } });

describe('ActionTrail error classification', () => {
  it.each([
    [apiError('Throttling.User', 400), 'retry', 'Throttling.User'],
    [apiError('Throttling', 400), 'retry', 'Throttling'],
    [apiError('ServiceUnavailable', 503), 'retry', 'ServiceUnavailable'],
    [apiError('SomethingNew', 502), 'retry', 'SomethingNew'],
    [apiError('SignatureNonceUsed', 400), 'retry', 'SignatureNonceUsed'],
    [apiError('InvalidAccessKeyId.NotFound', 404), 'auth', 'InvalidAccessKeyId.NotFound'],
    [apiError('SignatureDoesNotMatch', 400), 'auth', 'SignatureDoesNotMatch'],
    [apiError('InvalidTimeStamp.Expired', 400), 'auth', 'InvalidTimeStamp.Expired'],
    [apiError('Forbidden.RAM', 403), 'auth', 'Forbidden.RAM'],
    [apiError('NoPermission', 403), 'auth', 'NoPermission'],
    [apiError('InvalidParameter.MaxResults', 400), 'fatal', 'InvalidParameter.MaxResults'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }), 'retry', 'ECONNREFUSED'],
    [Object.assign(new Error('ReadTimeout: 300. POST / failed.'), { name: 'RequestTimeoutError' }), 'retry', 'Timeout'],
    [new SyntaxError('Unexpected token e in JSON'), 'retry', 'BadResponse'],
    [new AuditError('E_AUTH', 'credentials: auto: set ...'), 'fatal', 'E_AUTH'],
  ])('%s → %s %s', (err, kind, code) => {
    expect(classify(err)).toMatchObject({ kind, code });
  });

  it('quotes the server message, not the client wrapping around it', () => {
    expect(classify(apiError('Forbidden.RAM', 403, 'User not authorized.')).message).toBe('User not authorized.');
  });

  it('names the RAM permission each call needs', () => {
    expect(ramAction('LookupEvents')).toBe('actiontrail:LookupEvents');
    const err = authError('alibabacloud/1/cn-hangzhou', 'LookupEvents', classify(apiError('InvalidAccessKeyId.Inactive', 400)), null);
    expect(err.message).toBe(
      'alibabacloud/1/cn-hangzhou: LookupEvents refused with InvalidAccessKeyId.Inactive: the AccessKey is disabled; enable it or use another (also check: keys, RAM permission actiontrail:LookupEvents, clock skew)',
    );
  });
});
