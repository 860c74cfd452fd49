import { createHash } from 'node:crypto';
import { isLogin, isRoot, type AuditEvent } from '../../events/index.js';
import { AuditError } from '../../errors.js';
import {
  flag,
  isRecord,
  isZeroCode,
  parseEventTime,
  readOnlyOf,
  regionOf,
  serviceFromSource,
  text,
  type Rec,
} from './normalize-fields.js';

export { tencentResponseEvents, tencentShapeOf, type TencentShape } from './normalize-detect.js';

export interface NormalizeContext {
  /** The region the record was fetched from, used when the record names none. */
  region?: string;
  warn?: (msg: string) => void;
}

export const PROVIDER = 'tencentcloud';
const EMPTY: Rec = {};
const EPOCH = '1970-01-01T00:00:00.000Z';

/**
 * One CloudAudit event → the shared AuditEvent. Accepts an element of LookUpEvents/DescribeEvents
 * `Response.Events` (inner record in the `CloudAuditEvent` JSON string) or a bare CloudAudit
 * record. Runs once per event on replays of millions, so it is plain code, not a zod parse.
 * Never throws for one bad field: only a record without any id is unusable.
 */
export function normalizeTencentRecord(record: unknown, ctx: NormalizeContext = {}): AuditEvent {
  if (!isRecord(record)) throw new AuditError('E_INPUT', 'event record: expected an object');
  const isApiEvent = 'EventId' in record || 'CloudAuditEvent' in record;
  const outer: Rec = isApiEvent ? record : EMPTY;
  let inner: Rec = isApiEvent ? EMPTY : record;
  let badInner = false;
  if (isApiEvent) {
    const ce = record.CloudAuditEvent;
    if (typeof ce === 'string' && ce !== '') {
      try {
        const parsed: unknown = JSON.parse(ce);
        if (isRecord(parsed)) inner = parsed;
        else badInner = true;
      } catch {
        badInner = true;
      }
    } else if (isRecord(ce)) inner = ce;
  }

  const id = text(outer.EventId) ?? text(inner.eventID) ?? text(inner.eventId) ?? derivedId(inner, outer);
  if (id === null) throw new AuditError('E_INPUT', 'event record: no EventId or eventID, and no request id, name and time to derive one from');
  const warn = ctx.warn;
  if (badInner) warn?.(`event ${id}: CloudAuditEvent is not a valid JSON record; using the outer fields only`);

  const who: Rec = isRecord(inner.userIdentity) ? inner.userIdentity : EMPTY;
  let ms = parseEventTime(inner.eventTime);
  if (ms === null) ms = parseEventTime(outer.EventTime);
  let time = EPOCH;
  if (ms === null) warn?.(`event ${id}: no usable eventTime; using ${EPOCH}`);
  else {
    const d = new Date(ms);
    if (Number.isNaN(d.getTime())) warn?.(`event ${id}: eventTime out of range; using ${EPOCH}`);
    else time = d.toISOString();
  }

  const actorType = text(who.type);
  const name = text(inner.eventName) ?? text(outer.EventName) ?? '';
  return {
    id,
    time,
    provider: PROVIDER,
    account: text(who.accountId) ?? text(outer.AccountID) ?? text(inner.accountId),
    region: regionOf(inner.eventRegion) ?? regionOf(outer.EventRegion) ?? regionOf(outer.ResourceRegion) ?? ctx.region ?? null,
    name,
    type: text(inner.eventType),
    service: text(inner.resourceType) ?? serviceFromSource(inner.eventSource) ?? serviceFromSource(outer.EventSource) ?? resourceTypeOf(outer.Resources),
    readOnly: readOnlyOf(inner.actionType),
    actor: {
      type: actorType,
      id: text(who.principalId),
      name: text(who.userName) ?? text(outer.Username),
      accessKeyId: text(who.secretId) ?? text(outer.SecretId),
      root: isRoot(actorType),
    },
    sourceIp: text(inner.sourceIPAddress) ?? text(outer.SourceIPAddress),
    location: text(outer.Location),
    userAgent: text(inner.userAgent),
    error: errorOf(inner, outer),
    sensitive: flag(inner.sensitiveAction),
    login: isLogin(name),
    resources: resourcesOf(inner, outer),
    requestId: text(inner.requestID) ?? text(inner.requestId) ?? text(outer.RequestID),
    raw: inner === EMPTY ? record : inner,
  };
}

/**
 * Published DescribeEvents samples (and some exports) carry no event id: the same call always
 * gets the same id from what identifies it, so dedupe and alert ids stay stable across runs.
 */
function derivedId(inner: Rec, outer: Rec): string | null {
  const requestId = text(inner.requestID) ?? text(inner.requestId) ?? text(outer.RequestID);
  const name = text(inner.eventName) ?? text(outer.EventName);
  const time = text(inner.eventTime) ?? text(outer.EventTime);
  if (requestId === null && (name === null || time === null)) return null;
  const actor = text(outer.Username) ?? text(outer.SecretId) ?? text(outer.AccountID) ?? '';
  return `derived-${createHash('sha256').update([requestId, name, time, actor].join('\u0000')).digest('hex').slice(0, 32)}`;
}

const NUMERIC = /^-?\d+$/;

/**
 * errorCode is the CAM (authentication) code and apiErrorCode the product API's; a call that
 * passed both has errorCode 0 and errorMessage "permission verify", which is not an error.
 * Text codes (AuthFailure.UnauthorizedOperation) say more than numeric ones (4102), so they win.
 */
function errorOf(inner: Rec, outer: Rec): AuditEvent['error'] {
  const api = inner.apiErrorCode;
  const cam = 'errorCode' in inner ? inner.errorCode : outer.ErrorCode;
  const apiFailed = !isZeroCode(api);
  const camFailed = !isZeroCode(cam);
  if (!apiFailed && !camFailed) return null;
  const apiCode = apiFailed ? text(api) : null;
  const camCode = camFailed ? text(cam) : null;
  const useApi = apiCode !== null && (camCode === null || !NUMERIC.test(apiCode) || NUMERIC.test(camCode));
  if (useApi) {
    return { code: apiCode, message: text(inner.apiErrorMessage) ?? text(inner.errorMessage) ?? apiCode };
  }
  const code = camCode ?? apiCode ?? 'unknown';
  return { code, message: text(inner.errorMessage) ?? text(inner.apiErrorMessage) ?? code };
}

function resourceTypeOf(v: unknown): string | null {
  if (isRecord(v)) return text(v.ResourceType);
  if (Array.isArray(v) && isRecord(v[0])) return text(v[0].ResourceType);
  return null;
}

/**
 * Comma- or `|`-separated names split into one resource each ("*" names nothing); the list
 * fields write `instance/ins-a|instance/ins-b`, where the `instance/` prefix is the type again.
 */
function pushNames(out: AuditEvent['resources'], type: string | null, names: unknown): void {
  const s = text(names);
  if (s === null) return;
  for (const part of s.split(/[,|]/)) {
    let name = part.trim();
    if (type !== null && name.startsWith(`${type}/`)) name = name.slice(type.length + 1);
    if (name !== '' && name !== '*') out.push({ type, name });
  }
}

function resourcesOf(inner: Rec, outer: Rec): AuditEvent['resources'] {
  const out: AuditEvent['resources'] = [];
  const o = outer.Resources;
  for (const r of Array.isArray(o) ? o : [o]) {
    if (isRecord(r)) pushNames(out, text(r.ResourceType), r.ResourceName);
  }
  if (out.length > 0) return out;
  const type = text(inner.resourceType);
  pushNames(out, type, inner.resourceName);
  if (out.length > 0) return out;
  if (Array.isArray(inner.resourceSet)) {
    for (const r of inner.resourceSet) {
      if (isRecord(r)) pushNames(out, text(r.resourceType) ?? type, r.resourceName ?? r.resourceId);
      else pushNames(out, type, r);
    }
  }
  return out;
}
