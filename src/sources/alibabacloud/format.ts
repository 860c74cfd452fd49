import type { AuditEvent } from '../../events/index.js';
import { isRecord, normalizeAlibabaRecord, PROVIDER, unwrapSls, type AlibabaNormalizeContext } from './normalize.js';

/**
 * userIdentity.type as ActionTrail writes it. CloudTrail says Root/IAMUser/AssumedRole and
 * CloudAudit Root/CAMUser, so these hyphenated names are ActionTrail's alone.
 */
const ALIBABA_IDENTITY_TYPES = new Set([
  'root-account',
  'ram-user',
  'assumed-role',
  'system',
  'alibaba-cloud-account',
  'saml-user',
  'oidc-user',
  'sso-identity',
]);

/**
 * Whether a record of a delivered file (or an SLS row) is an ActionTrail event. A few property
 * lookups, run once per record: an id or name of ActionTrail's spelling (`eventId`, where
 * CloudTrail and CloudAudit write `eventID`), plus a field only ActionTrail has (`acsRegion`,
 * `eventRW`) or an identity type of its vocabulary.
 */
export function isActionTrailRecord(record: unknown): boolean {
  if (!isRecord(record)) return false;
  const r = unwrapSls(record);
  if (!('eventId' in r || 'eventName' in r)) return false;
  if ('acsRegion' in r || 'eventRW' in r) return true;
  const who = r.userIdentity;
  return isRecord(who) && typeof who.type === 'string' && ALIBABA_IDENTITY_TYPES.has(who.type);
}

/** The file source's per-record provider detection and normalization for ActionTrail. */
export const alibabaRecordFormat = {
  provider: PROVIDER,
  detect: isActionTrailRecord,
  normalize: (record: unknown, ctx: AlibabaNormalizeContext = {}): AuditEvent => normalizeAlibabaRecord(record, ctx),
};
