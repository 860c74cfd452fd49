import type { AuditEvent } from '../../events/index.js';
import { normalizeAwsRecord, type AwsNormalizeContext } from './normalize.js';
import { isRecord } from './normalize-fields.js';

export type { AwsNormalizeContext } from './normalize.js';

/**
 * CloudTrail for the file source's per-record detection: a bare record as S3 delivers them
 * (the elements of `{"Records":[...]}`), or a LookupEvents element. A few property lookups,
 * since it runs once per record: `eventVersion` and `awsRegion` are in every CloudTrail record
 * and in no CloudAudit or ActionTrail one (those write `eventRegion` / `acsRegion`), and a
 * `CloudTrailEvent` string is LookupEvents' own field.
 */
export const awsRecordFormat = {
  provider: 'aws',
  detect(record: unknown): boolean {
    if (!isRecord(record)) return false;
    if (typeof record.CloudTrailEvent === 'string') return true;
    return 'eventVersion' in record && 'awsRegion' in record;
  },
  normalize(record: unknown, ctx: AwsNormalizeContext = {}): AuditEvent {
    return normalizeAwsRecord(record, ctx);
  },
};
