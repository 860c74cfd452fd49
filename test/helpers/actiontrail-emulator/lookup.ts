import { randomBytes } from 'node:crypto';
import type { ApiError } from './verify.js';
import type { ActionTrailRecord } from './types.js';

export const MAX_RESULTS = 50;
const DEFAULT_RESULTS = 20;
/** LookupEvents ANDs at most this many LookupAttribute entries. */
export const MAX_ATTRIBUTES = 2;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const ATTRIBUTE = /^LookupAttribute\.(\d+)\.(Key|Value)$/;
const PLAIN = new Set(['StartTime', 'EndTime', 'MaxResults', 'NextToken']);

type Rec = Record<string, any>;
const who = (e: ActionTrailRecord): Rec => (e.userIdentity && typeof e.userIdentity === 'object' ? (e.userIdentity as Rec) : {});
const split = (v: unknown) => (typeof v === 'string' ? v.split(/[;,]/) : []);

/** The field each documented LookupAttribute key compares with (one value, exact match). */
const FIELDS: Record<string, (e: ActionTrailRecord) => string[]> = {
  EventName: (e) => [e.eventName],
  EventId: (e) => [e.eventId],
  EventRW: (e) => [String(e.eventRW ?? '')],
  EventAccessKeyId: (e) => [String(who(e).accessKeyId ?? '')],
  User: (e) => [String(who(e).userName ?? '')],
  ServiceName: (e) => [String(e.serviceName ?? '')],
  ResourceType: (e) => split(e.resourceType),
  ResourceName: (e) => split(e.resourceName),
  SourceIpAddress: (e) => [String(e.sourceIpAddress ?? '')],
};

export interface LookupQuery {
  start: number;
  end: number;
  startTime: string;
  endTime: string;
  maxResults: number;
  nextToken?: string;
  attributes: { key: string; value: string }[];
  /** What a NextToken must be used with: the query less the token and page size. */
  fingerprint: string;
}

const bad = (message: string, code = 'InvalidParameter') => ({ error: { code, message, status: 400 } as ApiError });

export function parseLookup(params: Record<string, string>, now: Date): LookupQuery | { error: ApiError } {
  const attrs = new Map<number, { key?: string; value?: string }>();
  for (const [name, value] of Object.entries(params)) {
    const m = ATTRIBUTE.exec(name);
    if (m) {
      const a = attrs.get(Number(m[1])) ?? {};
      if (m[2] === 'Key') a.key = value;
      else a.value = value;
      attrs.set(Number(m[1]), a);
    } else if (!PLAIN.has(name)) return bad(`The parameter ${name} is not recognized.`);
  }
  if (attrs.size > MAX_ATTRIBUTES) return bad(`At most ${MAX_ATTRIBUTES} LookupAttribute entries are allowed.`);
  const attributes: LookupQuery['attributes'] = [];
  for (const [n, a] of [...attrs].sort((x, y) => x[0] - y[0])) {
    if (!a.key || !Object.hasOwn(FIELDS, a.key)) return bad(`The LookupAttribute.${n}.Key is invalid.`);
    if (a.value === undefined || a.value === '') return bad(`The LookupAttribute.${n}.Value is mandatory.`);
    attributes.push({ key: a.key, value: a.value });
  }
  const endTime = params.EndTime ?? new Date(now.getTime()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const startTime = params.StartTime ?? new Date(now.getTime() - 90 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const [k, v] of [['StartTime', startTime], ['EndTime', endTime]]) {
    if (!ISO_SECONDS.test(v) || Number.isNaN(Date.parse(v))) return bad(`The ${k} is invalid; expected yyyy-MM-ddTHH:mm:ssZ.`, `InvalidParameter.${k}`);
  }
  const start = Date.parse(startTime) / 1000;
  const end = Date.parse(endTime) / 1000;
  if (end < start) return bad('The EndTime must not be earlier than the StartTime.', 'InvalidParameter.EndTime');
  const maxResults = params.MaxResults === undefined ? DEFAULT_RESULTS : Number(params.MaxResults);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) {
    return bad(`The MaxResults must be an integer from 1 to ${MAX_RESULTS}.`, 'InvalidParameter.MaxResults');
  }
  const fingerprint = JSON.stringify([startTime, endTime, attributes]);
  return { start, end, startTime, endTime, maxResults, nextToken: params.NextToken, attributes, fingerprint };
}

export const eventSeconds = (e: ActionTrailRecord) => Math.floor(Date.parse(e.eventTime) / 1000);

/** Both ends included; every attribute must hold; newest first, ties by id so pages are stable. */
export function select(events: ActionTrailRecord[], q: LookupQuery, account: string | null): ActionTrailRecord[] {
  return events
    .filter((e) => {
      const t = eventSeconds(e);
      if (!(t >= q.start && t <= q.end)) return false;
      if (account !== null && String(e.recipientAccountId ?? who(e).accountId ?? account) !== account) return false;
      return q.attributes.every((a) => FIELDS[a.key](e).includes(a.value));
    })
    .sort((a, b) => eventSeconds(b) - eventSeconds(a) || (a.eventId < b.eventId ? 1 : a.eventId > b.eventId ? -1 : 0));
}

/**
 * Pages over a snapshot taken by a query's first request, so events arriving meanwhile never
 * shift a listing under a client. The last page carries no NextToken.
 */
export class Cursors {
  private cursors = new Map<string, { fingerprint: string; results: ActionTrailRecord[]; offset: number }>();

  page(q: LookupQuery, fresh: () => ActionTrailRecord[]): { events: ActionTrailRecord[]; nextToken?: string } | { error: ApiError } {
    let cursor;
    if (q.nextToken === undefined || q.nextToken === '') cursor = { fingerprint: q.fingerprint, results: fresh(), offset: 0 };
    else {
      cursor = this.cursors.get(q.nextToken);
      if (!cursor) return bad('The NextToken is invalid or has expired.', 'InvalidParameter.NextToken');
      if (cursor.fingerprint !== q.fingerprint) return bad('The NextToken must be used with the parameters of the query that returned it.', 'InvalidParameter.NextToken');
    }
    const events = cursor.results.slice(cursor.offset, cursor.offset + q.maxResults);
    const offset = cursor.offset + events.length;
    if (offset >= cursor.results.length) return { events };
    const nextToken = randomBytes(18).toString('base64url');
    this.cursors.set(nextToken, { ...cursor, offset });
    return { events, nextToken };
  }
}
