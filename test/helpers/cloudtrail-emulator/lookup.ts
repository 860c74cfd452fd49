// LookupEvents (CloudTrail 2013-11-01): request validation, selection and paging, with the
// error codes the API reference lists for it.
import { randomBytes } from 'node:crypto';
import type { AuthFailure } from './auth.js';
import type { CloudTrailRecord, LookupEvent } from './types.js';

export const MAX_RESULTS = 50;
/** Without a range, LookupEvents covers the last 90 days. */
const DEFAULT_SPAN_MS = 90 * 86_400_000;
const KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'];
const PARAMS = ['StartTime', 'EndTime', 'LookupAttributes', 'MaxResults', 'NextToken', 'EventCategory'];

export interface LookupQuery {
  startMs: number;
  endMs: number;
  maxResults: number;
  attribute?: { key: string; value: string };
  nextToken?: string;
  /** "The same query" across pages: everything but NextToken and MaxResults. */
  fingerprint: string;
}

/** What LookupEvents shows of a record: the summary fields, and the record itself as JSON. */
export function toLookupEvent(r: CloudTrailRecord): LookupEvent {
  const who = (r.userIdentity ?? {}) as Record<string, any>;
  const username =
    who.type === 'Root' ? 'root' : who.type === 'AssumedRole' ? String(who.arn ?? '').split('/').pop() : (who.userName ?? who.invokedBy);
  const resources = Array.isArray(r.resources) ? (r.resources as Record<string, string>[]) : [];
  return {
    EventId: r.eventID,
    EventName: r.eventName,
    ReadOnly: String(r.readOnly ?? false),
    ...(who.accessKeyId ? { AccessKeyId: who.accessKeyId } : {}),
    EventTime: Date.parse(r.eventTime) / 1000,
    EventSource: r.eventSource,
    ...(username ? { Username: username } : {}),
    Resources: resources.map((x) => ({ ResourceType: x.type, ResourceName: String(x.ARN ?? '').split(/[:/]/).pop() })),
    CloudTrailEvent: JSON.stringify(r),
  };
}

type Parsed = { query: LookupQuery } | { error: AuthFailure };
const fail = (code: string, message: string): Parsed => ({ error: { code, message } });
const isTime = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));

export function parseLookup(params: Record<string, unknown>, now: Date): Parsed {
  for (const name of Object.keys(params)) if (!PARAMS.includes(name)) return fail('SerializationException', `Unknown field ${name}`);
  if (!isTime(params.StartTime) || !isTime(params.EndTime)) return fail('SerializationException', 'StartTime and EndTime must be epoch seconds');
  const endMs = params.EndTime === undefined ? now.getTime() : (params.EndTime as number) * 1000;
  const startMs = params.StartTime === undefined ? endMs - DEFAULT_SPAN_MS : (params.StartTime as number) * 1000;
  if (startMs > endMs) return fail('InvalidTimeRangeException', 'Occurs if the timestamp values are not valid. Either the start time occurs after the end time, or the time range is outside the range of possible values.');
  const max = params.MaxResults ?? MAX_RESULTS;
  if (!Number.isInteger(max) || (max as number) < 1 || (max as number) > MAX_RESULTS) {
    return fail('InvalidMaxResultsException', `This exception is thrown if the limit specified is not valid: MaxResults must be between 1 and ${MAX_RESULTS}.`);
  }
  const attrs = params.LookupAttributes ?? [];
  if (!Array.isArray(attrs) || attrs.length > 1) return fail('InvalidLookupAttributesException', 'You can only specify one lookup attribute.');
  let attribute: LookupQuery['attribute'];
  if (attrs.length === 1) {
    const { AttributeKey: key, AttributeValue: value } = (attrs[0] ?? {}) as Record<string, unknown>;
    if (typeof key !== 'string' || !KEYS.includes(key) || typeof value !== 'string' || value === '') {
      return fail('InvalidLookupAttributesException', `AttributeKey must be one of ${KEYS.join(', ')}, with a value.`);
    }
    attribute = { key, value };
  }
  const token = params.NextToken;
  if (token !== undefined && (typeof token !== 'string' || token === '')) return fail('InvalidNextTokenException', 'Invalid NextToken.');
  const fingerprint = JSON.stringify([params.StartTime, params.EndTime, attribute, params.EventCategory]);
  return { query: { startMs, endMs, maxResults: max as number, attribute, nextToken: token as string | undefined, fingerprint } };
}

const ATTRIBUTE: Record<string, (e: LookupEvent) => unknown[]> = {
  EventId: (e) => [e.EventId],
  EventName: (e) => [e.EventName],
  ReadOnly: (e) => [e.ReadOnly],
  Username: (e) => [e.Username],
  EventSource: (e) => [e.EventSource],
  AccessKeyId: (e) => [e.AccessKeyId],
  ResourceType: (e) => e.Resources.map((r) => r.ResourceType),
  ResourceName: (e) => e.Resources.map((r) => r.ResourceName),
};

/** The records one account may see in one region, in range (both ends included), newest first. */
export function select(records: CloudTrailRecord[], q: LookupQuery, scope: { account: string; region: string | null }): LookupEvent[] {
  const out: LookupEvent[] = [];
  for (const r of records) {
    const t = Date.parse(r.eventTime);
    if (t < q.startMs || t > q.endMs) continue;
    if ((r.recipientAccountId ?? scope.account) !== scope.account) continue;
    if (scope.region !== null && r.awsRegion !== scope.region) continue;
    const e = toLookupEvent(r);
    if (q.attribute && !ATTRIBUTE[q.attribute.key](e).includes(q.attribute.value)) continue;
    out.push(e);
  }
  return out.sort((a, b) => b.EventTime - a.EventTime || (a.EventId < b.EventId ? -1 : a.EventId > b.EventId ? 1 : 0));
}

interface Cursor {
  fingerprint: string;
  results: LookupEvent[];
  offset: number;
}

/** Tokens point into the answer as the first page saw it, so records added later do not shift pages. */
export class CursorStore {
  private cursors = new Map<string, Cursor>();

  page(q: LookupQuery, run: () => LookupEvent[]): { events: LookupEvent[]; nextToken?: string } | { error: AuthFailure } {
    let cursor: Cursor = { fingerprint: q.fingerprint, results: [], offset: 0 };
    if (q.nextToken === undefined) cursor.results = run();
    else {
      const found = this.cursors.get(q.nextToken);
      if (!found || found.fingerprint !== q.fingerprint) return { error: { code: 'InvalidNextTokenException', message: 'Invalid NextToken: it must be used with the parameters of the request that returned it.' } };
      cursor = found;
    }
    const events = cursor.results.slice(cursor.offset, cursor.offset + q.maxResults);
    const offset = cursor.offset + events.length;
    if (offset >= cursor.results.length) return { events };
    const nextToken = randomBytes(24).toString('base64');
    this.cursors.set(nextToken, { ...cursor, offset });
    return { events, nextToken };
  }
}
