import type { Logger } from '../../util/logger.js';
import type { Call } from './caller.js';
import type { CloudAuditApi, Slice } from './slices.js';

/** The API's largest page (InvalidParameterValue.MaxResult beyond it). */
export const PAGE_SIZE = 50;

/** One listing: a slice, and the event names pushed down to the API (all OR-ed, or none). */
export interface Query {
  partition: string;
  region: string;
  api: CloudAuditApi;
  slice: Slice;
  eventNames?: string[];
  /** Other LookupAttributes, all of which must hold (LookUpEvents). */
  attributes?: { AttributeKey: string; AttributeValue: string }[];
}

/**
 * Pages through one query until ListOver. The last page still carries a NextToken, so only
 * ListOver ends a listing; an empty page or a token seen before ends it too, because asking
 * again could only repeat it.
 */
export async function listQuery(
  call: Call,
  q: Query,
  opts: {
    logger: Logger;
    signal?: AbortSignal;
    onPage(records: unknown[]): void;
    /** Awaited before each further page: a reader that is not ready yet holds the listing there. */
    beforeNext?: () => Promise<void>;
  },
): Promise<void> {
  const base: Record<string, unknown> = { StartTime: q.slice.start, EndTime: q.slice.end, MaxResults: PAGE_SIZE };
  const attributes = [...(q.eventNames ?? []).map((name) => ({ AttributeKey: 'EventName', AttributeValue: name })), ...(q.attributes ?? [])];
  if (attributes.length) base.LookupAttributes = attributes;
  // DescribeEvents can also say where the source address is (广东省深圳市): messages show it.
  if (q.api === 'DescribeEvents') base.IsReturnLocation = 1;
  const tokens = new Set<string>();
  let token: unknown;
  for (let page = 1; ; page++) {
    const req = token === undefined ? base : { ...base, NextToken: token };
    const res = await call(q.partition, q.region, q.api, req, opts.signal);
    const records: unknown[] = Array.isArray(res?.Events) ? res.Events : [];
    const listOver = res?.ListOver === true;
    opts.logger.debug(
      { partition: q.partition, action: q.api, startTime: q.slice.start, endTime: q.slice.end, eventNames: q.eventNames, page, events: records.length, listOver },
      'CloudAudit page',
    );
    opts.onPage(records);
    const next = res?.NextToken;
    if (listOver || records.length === 0 || next === undefined || next === null || next === '') return;
    // ListOver missing (the API says it may be null): a short page is the end.
    if (res?.ListOver !== false && records.length < PAGE_SIZE) return;
    const key = String(next);
    if (tokens.has(key)) {
      opts.logger.warn({ partition: q.partition, action: q.api, page }, 'CloudAudit returned a NextToken it had already given; stopping this listing');
      return;
    }
    tokens.add(key);
    token = next;
    await opts.beforeNext?.();
  }
}
