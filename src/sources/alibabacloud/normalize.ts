import { createHash } from 'node:crypto';
import { isLogin, isRoot, type AuditEvent } from '../../events/index.js';
import { AuditError } from '../../errors.js';

export interface AlibabaNormalizeContext {
  /** The region the record was fetched from, used when it names none. */
  region?: string;
  /** The account the record was fetched for, used when it names none. */
  account?: string;
  warn?: (msg: string) => void;
}

export const PROVIDER = 'alibabacloud';
type Rec = Record<string, unknown>;
const EMPTY: Rec = {};
const EPOCH = '1970-01-01T00:00:00.000Z';

export function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, or a number rendered as one: ActionTrail writes "" for "none". */
function text(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  return null;
}

/**
 * SLS keeps a delivered event under `event` (queries say "event.eventName"), as an object or
 * a JSON string; an export of the logstore therefore wraps the record once.
 */
export function unwrapSls(record: Rec): Rec {
  if ('eventId' in record || 'eventName' in record) return record;
  const inner = record.event;
  if (isRecord(inner)) return inner;
  if (typeof inner === 'string' && inner.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(inner);
      if (isRecord(parsed)) return parsed;
    } catch {
      // not a wrapped event after all
    }
  }
  return record;
}

/** `2024-05-01T08:00:00Z` (the API and OSS deliveries), with or without milliseconds; or epoch s/ms. */
function timeOf(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.trunc(v >= 1e11 ? v : v * 1000) : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (/^\d+$/.test(s)) return timeOf(Number(s));
  // Only a time that says its zone: a bare local time could be off by the offset of any region.
  if (!/[zZ]$|[+-]\d{2}:?\d{2}$/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

/**
 * One ActionTrail event (an element of LookupEvents' `Events`, a record of a delivered file,
 * or an SLS row wrapping one) → the shared AuditEvent. Runs once per event on replays of
 * millions, so it is plain code, not a zod parse; only a record without any id is unusable.
 */
export function normalizeAlibabaRecord(input: unknown, ctx: AlibabaNormalizeContext = {}): AuditEvent {
  if (!isRecord(input)) throw new AuditError('E_INPUT', 'ActionTrail record: expected an object');
  const r = unwrapSls(input);
  const id = text(r.eventId) ?? derivedId(r);
  if (id === null) throw new AuditError('E_INPUT', 'ActionTrail record: no eventId, and no request id, event name and time to derive one from');
  const who: Rec = isRecord(r.userIdentity) ? r.userIdentity : EMPTY;
  const ms = timeOf(r.eventTime);
  let time = EPOCH;
  if (ms === null || Number.isNaN(new Date(ms).getTime())) ctx.warn?.(`event ${id}: no usable eventTime; using ${EPOCH}`);
  else time = new Date(ms).toISOString();
  const actorType = text(who.type);
  const name = text(r.eventName) ?? '';
  return {
    id,
    time,
    provider: PROVIDER,
    // The trail's account first: a role assumed from another account acts in this one.
    account: text(r.recipientAccountId) ?? text(who.accountId) ?? ctx.account ?? null,
    region: text(r.acsRegion) ?? ctx.region ?? null,
    name,
    type: text(r.eventType),
    service: text(r.serviceName) ?? serviceFromSource(r.eventSource),
    readOnly: readOnlyOf(r.eventRW),
    actor: {
      type: actorType,
      id: text(who.principalId),
      name: text(who.userName),
      accessKeyId: text(who.accessKeyId),
      root: isRoot(actorType),
    },
    sourceIp: text(r.sourceIpAddress),
    location: null,
    userAgent: text(r.userAgent),
    error: errorOf(r),
    sensitive: false,
    login: isLogin(name),
    resources: resourcesOf(r),
    requestId: text(r.requestId),
    raw: r,
  };
}

/** The same call always gets the same id from what identifies it, so dedupe and alert ids hold across runs. */
function derivedId(r: Rec): string | null {
  const requestId = text(r.requestId);
  const name = text(r.eventName);
  const time = text(r.eventTime);
  if (requestId === null && (name === null || time === null)) return null;
  const who = isRecord(r.userIdentity) ? r.userIdentity : EMPTY;
  const actor = text(who.principalId) ?? text(who.accessKeyId) ?? text(who.accountId) ?? '';
  return `derived-${createHash('sha256').update([requestId, name, time, actor].join('\u0000')).digest('hex').slice(0, 32)}`;
}

function readOnlyOf(v: unknown): boolean | null {
  const s = typeof v === 'string' ? v.toLowerCase() : '';
  return s === 'read' ? true : s === 'write' ? false : null;
}

/** "ecs.aliyuncs.com" → "ecs", when a record has no serviceName. */
function serviceFromSource(v: unknown): string | null {
  const s = text(v);
  const head = s?.split('.')[0] ?? '';
  return /^[A-Za-z0-9_-]+$/.test(head) ? head : null;
}

/**
 * Success records carry errorCode and errorMessage as "" (or not at all); either one filled in
 * means the call failed (the seed guide's alert tests errorMessage alone).
 */
function errorOf(r: Rec): AuditEvent['error'] {
  const code = text(r.errorCode);
  const message = text(r.errorMessage);
  if (code === null && message === null) return null;
  return { code: code ?? 'unknown', message: message ?? code! };
}

/**
 * `referencedResources` ({ "ACS::ECS::Instance": ["i-1"] }) types every name; otherwise
 * resourceName lists names split by `;` or `,`, and resourceType their types the same way
 * (one type for all when it gives one).
 */
function resourcesOf(r: Rec): AuditEvent['resources'] {
  const out: AuditEvent['resources'] = [];
  const seen = new Set<string>();
  const push = (type: string | null, name: string) => {
    const n = name.trim();
    const key = `${type}\u0000${n}`;
    if (n === '' || n === '*' || seen.has(key)) return;
    seen.add(key);
    out.push({ type, name: n });
  };
  if (isRecord(r.referencedResources)) {
    for (const [type, names] of Object.entries(r.referencedResources)) {
      for (const n of Array.isArray(names) ? names : [names]) if (text(n) !== null) push(type, text(n)!);
    }
    if (out.length > 0) return out;
  }
  const names = (text(r.resourceName) ?? '').split(/[;,]/);
  const types = (text(r.resourceType) ?? '').split(/[;,]/).map((t) => t.trim());
  names.forEach((n, i) => push(types.length === names.length ? types[i] || null : types[0] || null, n));
  return out;
}
