import { randomBytes } from 'node:crypto';
import type { ApiErrorBody } from './auth.js';
import type { Attribute, ParsedQuery } from './params.js';
import type { ApiEvent } from './types.js';

/** Unix seconds of an event: `EventTime` is unix seconds, or `YYYY-MM-DD HH:mm:ss` in China time (UTC+8). */
export function eventSeconds(e: ApiEvent): number {
  if (/^\d+$/.test(e.EventTime)) return Number(e.EventTime);
  const t = Date.parse(`${e.EventTime.replace(' ', 'T')}+08:00`);
  return Number.isNaN(t) ? NaN : Math.floor(t / 1000);
}

function detail(e: ApiEvent): Record<string, any> {
  try {
    return JSON.parse(e.CloudAuditEvent) ?? {};
  } catch {
    return {};
  }
}

/** The value an attribute key is compared with, per the API's documented keys. */
function fieldFor(e: ApiEvent, key: string): string {
  const d = () => detail(e);
  switch (key) {
    case 'RequestId': return e.RequestID;
    case 'EventName': return e.EventName;
    case 'Username': return e.Username;
    case 'ResourceType': return e.Resources?.ResourceType ?? '';
    case 'ResourceName':
    case 'ResourceId': return e.Resources?.ResourceName ?? '';
    case 'AccessKeyId': return e.SecretId;
    case 'SourceIPAddress': return e.SourceIPAddress;
    case 'CamErrorCode': return String(e.ErrorCode);
    case 'ReadOnly': return String(d().actionType === 'Read');
    case 'ActionType': return String(d().actionType ?? '').toLowerCase();
    case 'PrincipalId': return String(d().userIdentity?.principalId ?? '');
    case 'SensitiveAction': return String(d().sensitiveAction ?? '0');
    case 'ApiErrorCode': return String(d().apiErrorCode ?? '0');
    default: return '';
  }
}

const normalizeValue = (key: string, value: string) => (key === 'ActionType' ? value.toLowerCase() : value);

/**
 * DescribeEvents documents that conditions are AND-ed and several EventName values OR-ed.
 * LookUpEvents documents nothing of the kind, so there every condition must hold.
 */
function matches(e: ApiEvent, action: ParsedQuery['action'], attributes: Attribute[]): boolean {
  if (action === 'LookUpEvents') return attributes.every((a) => fieldFor(e, a.key) === a.value);
  const byKey = new Map<string, string[]>();
  for (const a of attributes) byKey.set(a.key, [...(byKey.get(a.key) ?? []), normalizeValue(a.key, a.value)]);
  for (const [key, values] of byKey) {
    const actual = fieldFor(e, key);
    const ok = key === 'EventName' ? values.includes(actual) : values.every((v) => v === actual);
    if (!ok) return false;
  }
  return true;
}

/**
 * Newest first, as the console and API list them; ties broken by id so pages are stable. With
 * `account`, only that account's events: a key never sees another account's trail.
 */
export function select(events: ApiEvent[], q: ParsedQuery, region: string | null, regionFilter: boolean, account?: string): ApiEvent[] {
  return events
    .filter((e) => {
      const t = eventSeconds(e);
      return (
        t >= q.start &&
        t <= q.end &&
        (!regionFilter || !region || e.EventRegion === region) &&
        (account === undefined || String(e.AccountID) === account) &&
        matches(e, q.action, q.attributes)
      );
    })
    .sort((a, b) => eventSeconds(b) - eventSeconds(a) || (a.EventId < b.EventId ? 1 : a.EventId > b.EventId ? -1 : 0));
}

interface Cursor {
  fingerprint: string;
  results: ApiEvent[];
  offset: number;
}

export interface Page {
  events: ApiEvent[];
  listOver: boolean;
  nextToken: string | number;
}

/**
 * Pages over a snapshot taken by the first request of a query (like the search scroll the real
 * tokens come from), so events arriving meanwhile never shift a listing under a client.
 * A token is handed out even on the last page: only ListOver says the listing has ended.
 */
export class CursorStore {
  private cursors = new Map<string, Cursor>();
  private counter = 1_700_000_000_000;

  page(q: ParsedQuery, fresh: () => ApiEvent[]): Page | { error: ApiErrorBody } {
    let cursor: Cursor;
    if (q.nextToken === undefined) {
      cursor = { fingerprint: q.fingerprint, results: fresh(), offset: 0 };
    } else {
      const found = this.cursors.get(String(q.nextToken));
      if (!found) return { error: { code: 'InvalidParameterValue', message: 'NextToken is invalid or has expired.' } };
      if (found.fingerprint !== q.fingerprint) {
        return { error: { code: 'InvalidParameterValue', message: 'NextToken must be used with the parameters of the query that returned it.' } };
      }
      cursor = found;
    }
    const events = cursor.results.slice(cursor.offset, cursor.offset + q.maxResults);
    const next: Cursor = { ...cursor, offset: cursor.offset + events.length };
    const token = q.action === 'LookUpEvents' ? randomBytes(24).toString('base64') : ++this.counter;
    this.cursors.set(String(token), next);
    return { events, listOver: next.offset >= next.results.length, nextToken: token };
  }
}
