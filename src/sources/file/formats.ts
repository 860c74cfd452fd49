import { looksNormalized, storedEventSchema, type AuditEvent } from '../../events/index.js';
import { AuditError, type ErrorCode } from '../../errors.js';
import { alibabaRecordFormat } from '../alibabacloud/format.js';
import { awsRecordFormat } from '../aws/format.js';
import { normalizeTencentRecord, tencentShapeOf } from '../tencentcloud/normalize.js';

export interface FormatContext {
  /** The region the record came from, when the record names none. */
  region?: string;
  warn?: (msg: string) => void;
}

/**
 * One provider's record shape in recorded and delivered files. `detect` runs on every record
 * until one says yes, so it must be a few property lookups; `normalize` throws AuditError
 * E_INPUT for a record it cannot use (warned and skipped, never fatal).
 */
export interface RecordFormat {
  provider: string;
  detect(record: unknown): boolean;
  normalize(record: unknown, ctx: FormatContext): AuditEvent;
}

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Events this tool wrote itself (`audit events --output json`): checked, not converted. */
export const normalizedFormat: RecordFormat = {
  provider: 'normalized',
  detect: looksNormalized,
  normalize(record) {
    const parsed = storedEventSchema.safeParse(record);
    if (!parsed.success) {
      const id = (record as { id?: unknown } | null)?.id;
      const name = typeof id === 'string' ? JSON.stringify(id.slice(0, 80)) : '(no id)';
      throw new AuditError('E_INPUT', `invalid event ${name}: ${describeIssues(parsed.error.issues)}`);
    }
    // One canonical form (milliseconds, Z) so that times compare as text everywhere.
    const canonical = new Date(parsed.data.time).toISOString();
    return canonical === parsed.data.time ? parsed.data : { ...parsed.data, time: canonical };
  },
};

/** CloudAudit: an element of LookUpEvents' Response.Events, or a bare record as tracking sets deliver it. */
export const tencentRecordFormat: RecordFormat = {
  provider: 'tencentcloud',
  detect(record) {
    const shape = tencentShapeOf(record);
    return shape === 'event' || shape === 'record';
  },
  normalize: normalizeTencentRecord,
};

/**
 * Tried in this order, the first that says yes wins. Normalized events first (they carry
 * `provider`, nothing else is ambiguous with them); then CloudTrail and ActionTrail, each a few
 * lookups for fields only they write (awsRegion, acsRegion, ...); Tencent last, because its
 * bare-record check (an eventID and an eventName) is the loosest: the others' records pass it too.
 */
export const recordFormats: RecordFormat[] = [normalizedFormat, awsRecordFormat, alibabaRecordFormat, tencentRecordFormat];

/** The format `--provider` / `format:` names, if any. */
export function recordFormat(name: string): RecordFormat | undefined {
  return recordFormats.find((f) => f.provider === name);
}

/** The format of that name, or a usage (or config) error that lists the known ones. */
export function requireRecordFormat(name: string, where: string, code: ErrorCode = 'E_USAGE'): RecordFormat {
  const found = recordFormat(name);
  if (found) return found;
  const known = recordFormats.map((f) => f.provider).join(', ');
  // Quoted as JSON: the name is whatever was typed, control characters included.
  throw new AuditError(code, `${where}: unknown provider ${JSON.stringify(name.slice(0, 60))} (known: ${known})`);
}

/** The first format that recognises the record, if any. */
export function detectFormat(record: unknown): RecordFormat | undefined {
  for (const f of recordFormats) if (f.detect(record)) return f;
  return undefined;
}
