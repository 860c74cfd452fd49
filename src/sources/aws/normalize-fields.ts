import { isRoot, type AuditEvent } from '../../events/index.js';

/**
 * Field readers for CloudTrail records. A record comes from LookupEvents (through the SDK: Dates,
 * `ReadOnly` as "true"), from an S3 delivery (ISO text, booleans) or from a hand-made export, so
 * no type is trusted.
 */
export type Rec = Record<string, unknown>;
export const EMPTY: Rec = {};

export function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, or a number rendered as one; anything else (and "") is null. */
export function text(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  return null;
}

// Beyond this a number cannot be seconds (year 5138): it is milliseconds.
const MS_THRESHOLD = 1e11;

/** Milliseconds since the epoch from a Date, epoch seconds or ms, or ISO text with a zone; else null. */
export function timeMs(v: unknown): number | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime();
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim())) return timeMs(Number(v));
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.trunc(v >= MS_THRESHOLD ? v : v * 1000) : null;
  // Text without a zone would be read in this machine's zone: only a time that says its zone is trusted.
  if (typeof v === 'string' && /([zZ]|[+-]\d{2}:?\d{2})$/.test(v.trim())) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** A boolean, or "true"/"false" as LookupEvents' ReadOnly writes it; else null. */
export function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return null;
}

/** "s3.amazonaws.com" → "s3", "signin.amazonaws.com" → "signin". */
export function serviceOf(v: unknown): string | null {
  const s = text(v);
  if (s === null) return null;
  const head = s.split('.')[0];
  return /^[A-Za-z0-9_-]+$/.test(head) ? head.toLowerCase() : null;
}

/** The session of an assumed-role or federated-user ARN (`.../assumed-role/Role/session`). */
function sessionName(arn: string | null): string | null {
  const m = arn === null ? null : /:(?:assumed-role\/[^/]+|federated-user)\/(.+)$/.exec(arn);
  return m ? m[1] : null;
}

/**
 * userIdentity → actor. An assumed role is named after its role (the session issuer), else its
 * session; a service after the service; the root after "root", as LookupEvents' Username does,
 * so a record from the API and the same record from S3 give the same actor.
 */
export function actorOf(who: Rec, outer: Rec): AuditEvent['actor'] {
  const type = text(who.type);
  const context = isRecord(who.sessionContext) ? who.sessionContext : EMPTY;
  const issuer = isRecord(context.sessionIssuer) ? context.sessionIssuer : EMPTY;
  const root = isRoot(type);
  return {
    type,
    id: text(who.principalId),
    name:
      text(who.userName) ?? text(issuer.userName) ?? sessionName(text(who.arn)) ?? text(outer.Username) ?? text(who.invokedBy) ?? (root ? 'root' : null),
    accessKeyId: text(who.accessKeyId) ?? text(outer.AccessKeyId),
    root,
  };
}

/**
 * errorCode/errorMessage are only present on failure. A failed console sign-in has no code:
 * CloudTrail writes `responseElements.ConsoleLogin: "Failure"` and a message, so its outcome
 * becomes the code.
 */
export function errorOf(inner: Rec): AuditEvent['error'] {
  const code = text(inner.errorCode);
  const message = text(inner.errorMessage);
  const response = isRecord(inner.responseElements) ? inner.responseElements : EMPTY;
  const failedSignIn = response.ConsoleLogin === 'Failure';
  if (code === null && message === null && !failedSignIn) return null;
  const c = code ?? 'Failure';
  return { code: c, message: message ?? c };
}

/** The record's `resources[]` (ARNs), else the API event's `Resources[]` (type and name). */
export function resourcesOf(inner: Rec, outer: Rec): AuditEvent['resources'] {
  const out: AuditEvent['resources'] = [];
  for (const r of Array.isArray(inner.resources) ? inner.resources : []) {
    const name = isRecord(r) ? (text(r.ARN) ?? text(r.ARNPrefix)) : null;
    if (name !== null) out.push({ type: text((r as Rec).type), name });
  }
  if (out.length > 0) return out;
  for (const r of Array.isArray(outer.Resources) ? outer.Resources : []) {
    const name = isRecord(r) ? text(r.ResourceName) : null;
    if (name !== null) out.push({ type: text((r as Rec).ResourceType), name });
  }
  return out;
}
