import { createHash } from 'node:crypto';
import { isLogin, type AuditEvent } from '../../events/index.js';
import { AuditError } from '../../errors.js';
import { actorOf, bool, EMPTY, errorOf, isRecord, resourcesOf, serviceOf, text, timeMs, type Rec } from './normalize-fields.js';

export interface AwsNormalizeContext {
  /** The region the record was fetched from, used when the record names none. */
  region?: string;
  /** The account the record was fetched for, used when the record names none. */
  account?: string;
  warn?: (msg: string) => void;
}

export const PROVIDER = 'aws';
const EPOCH = '1970-01-01T00:00:00.000Z';

/** An element of LookupEvents' `Events`: PascalCase, with the record as a JSON string. */
export function isLookupEvent(value: Rec): boolean {
  return 'CloudTrailEvent' in value || 'EventId' in value;
}

/**
 * The record inside a LookupEvents element: parsed from `CloudTrailEvent`, or taken as is if an
 * export already parsed it; null when it is not a JSON object.
 */
function innerRecord(ce: unknown): Rec | null {
  if (isRecord(ce)) return ce;
  if (typeof ce !== 'string' || ce === '') return null;
  try {
    const parsed: unknown = JSON.parse(ce);
    return isRecord(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * One CloudTrail event → the shared AuditEvent. Accepts an element of LookupEvents `Events`
 * (the record in its `CloudTrailEvent` string) or a bare record as S3 delivers them in
 * `{"Records":[...]}`. Runs once per event on replays of millions, so it is plain code, not a
 * zod parse. Never throws for one bad field: only a record without any id is unusable.
 */
export function normalizeAwsRecord(record: unknown, ctx: AwsNormalizeContext = {}): AuditEvent {
  if (!isRecord(record)) throw new AuditError('E_INPUT', 'CloudTrail record: expected an object');
  const api = isLookupEvent(record);
  const outer: Rec = api ? record : EMPTY;
  const parsed = api ? innerRecord(record.CloudTrailEvent) : record;
  const inner: Rec = parsed ?? EMPTY;

  const id = text(inner.eventID) ?? text(outer.EventId) ?? derivedId(inner, outer);
  if (id === null) throw new AuditError('E_INPUT', 'CloudTrail record: no eventID or EventId, and no request id, name and time to derive one from');
  const warn = ctx.warn;
  if (api && parsed === null) warn?.(`event ${id}: CloudTrailEvent is not a valid JSON record; using the outer fields only`);

  const ms = timeMs(inner.eventTime) ?? timeMs(outer.EventTime);
  let time = EPOCH;
  const d = ms === null ? null : new Date(ms);
  if (d === null || Number.isNaN(d.getTime())) warn?.(`event ${id}: no usable eventTime; using ${EPOCH}`);
  else time = d.toISOString();

  const who: Rec = isRecord(inner.userIdentity) ? inner.userIdentity : EMPTY;
  const name = text(inner.eventName) ?? text(outer.EventName) ?? '';
  return {
    id,
    time,
    provider: PROVIDER,
    // recipientAccountId is the trail's account; the caller's may be another (cross-account access).
    account: text(inner.recipientAccountId) ?? text(who.accountId) ?? ctx.account ?? null,
    region: text(inner.awsRegion) ?? ctx.region ?? null,
    name,
    type: text(inner.eventType),
    service: serviceOf(inner.eventSource) ?? serviceOf(outer.EventSource),
    readOnly: bool(inner.readOnly) ?? bool(outer.ReadOnly),
    actor: actorOf(who, outer),
    sourceIp: text(inner.sourceIPAddress),
    location: null,
    userAgent: text(inner.userAgent),
    error: errorOf(inner),
    sensitive: false,
    login: isLogin(name),
    resources: resourcesOf(inner, outer),
    requestId: text(inner.requestID),
    raw: parsed ?? record,
  };
}

/**
 * Every CloudTrail record has an eventID; a hand-made export may not. The same call always gets
 * the same id from what identifies it, so dedupe and alert ids stay stable across runs.
 */
function derivedId(inner: Rec, outer: Rec): string | null {
  const requestId = text(inner.requestID);
  const name = text(inner.eventName) ?? text(outer.EventName);
  const t = timeMs(inner.eventTime) ?? timeMs(outer.EventTime);
  if (requestId === null && (name === null || t === null)) return null;
  const who = isRecord(inner.userIdentity) ? inner.userIdentity : EMPTY;
  const actor = text(who.principalId) ?? text(who.accessKeyId) ?? text(outer.AccessKeyId) ?? '';
  return `derived-${createHash('sha256').update([requestId, name, t, actor].join('\u0000')).digest('hex').slice(0, 32)}`;
}
