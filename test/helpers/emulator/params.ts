// Request validation for LookUpEvents and DescribeEvents (cloudaudit 2019-03-19), with the error
// codes the API reference lists for LookUpEvents.
import type { ApiErrorBody } from './auth.js';
import type { CloudAuditAction } from './types.js';

export interface Attribute {
  key: string;
  value: string;
}

export interface ParsedQuery {
  action: CloudAuditAction;
  start: number;
  end: number;
  maxResults: number;
  attributes: Attribute[];
  nextToken: string | number | undefined;
  /** Identifies "the same query" across pages: everything but NextToken and MaxResults. */
  fingerprint: string;
}

/** LookUpEvents accepts at most 7 days per request (LimitExceeded.OverTime). */
export const LOOKUP_MAX_SPAN_SECONDS = 7 * 86_400;
/** DescribeEvents: "the time range for query is less than 30 days". */
export const DESCRIBE_MAX_SPAN_SECONDS = 30 * 86_400;
export const MAX_RESULTS = 50;
const DEFAULT_MAX_RESULTS = 10;

const KEYS: Record<CloudAuditAction, string[]> = {
  LookUpEvents: ['RequestId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'AccessKeyId'],
  DescribeEvents: [
    'RequestId', 'EventName', 'ActionType', 'PrincipalId', 'ResourceType', 'ResourceId', 'ResourceName',
    'AccessKeyId', 'SensitiveAction', 'ApiErrorCode', 'CamErrorCode', 'SourceIPAddress',
  ],
};
const ALLOWED_PARAMS: Record<CloudAuditAction, string[]> = {
  LookUpEvents: ['StartTime', 'EndTime', 'LookupAttributes', 'NextToken', 'MaxResults', 'Mode'],
  DescribeEvents: ['StartTime', 'EndTime', 'LookupAttributes', 'NextToken', 'MaxResults', 'IsReturnLocation'],
};

type Result = { query: ParsedQuery } | { error: ApiErrorBody };
const fail = (code: string, message: string): Result => ({ error: { code, message } });

export function parseQuery(
  action: CloudAuditAction,
  region: string | null,
  params: Record<string, unknown>,
  now: Date,
  retentionDays?: number,
): Result {
  for (const name of Object.keys(params)) {
    if (!ALLOWED_PARAMS[action].includes(name)) return fail('UnknownParameter', `The parameter \`${name}\` is not recognized.`);
  }
  const { StartTime: start, EndTime: end } = params;
  if (!Number.isInteger(start) || !Number.isInteger(end)) {
    return fail('InvalidParameter.Time', 'StartTime and EndTime are required integer timestamps in seconds.');
  }
  const s = start as number;
  const e = end as number;
  if (s > e) return fail('InvalidParameterValue.Time', 'StartTime must not be later than EndTime.');
  if (action === 'LookUpEvents' && e - s > LOOKUP_MAX_SPAN_SECONDS) {
    return fail('LimitExceeded.OverTime', 'The valid time range of a search is 7 days.');
  }
  if (action === 'DescribeEvents' && e - s >= DESCRIBE_MAX_SPAN_SECONDS) {
    return fail('LimitExceeded.OverTime', 'The time range of a query must be less than 30 days.');
  }
  if (action === 'DescribeEvents' && retentionDays !== undefined && s < now.getTime() / 1000 - retentionDays * 86_400) {
    return fail('InvalidParameterValue.Time', `StartTime must be within the last ${retentionDays} days.`);
  }

  const max = params.MaxResults ?? DEFAULT_MAX_RESULTS;
  if (!Number.isInteger(max) || (max as number) < 1 || (max as number) > MAX_RESULTS) {
    return fail('InvalidParameterValue.MaxResult', `A single search returns at most ${MAX_RESULTS} records.`);
  }
  if (params.Mode !== undefined && params.Mode !== 'standard' && params.Mode !== 'quick') {
    return fail('InvalidParameterValue', 'Mode must be standard or quick.');
  }

  const raw = params.LookupAttributes ?? [];
  if (!Array.isArray(raw)) return fail('InvalidParameter', 'LookupAttributes must be an array.');
  const attributes: Attribute[] = [];
  for (const item of raw) {
    const key = (item as { AttributeKey?: unknown })?.AttributeKey;
    const value = (item as { AttributeValue?: unknown })?.AttributeValue ?? '';
    if (typeof key !== 'string' || !KEYS[action].includes(key) || typeof value !== 'string') {
      return fail('InvalidParameterValue.attributeKey', `AttributeKey must be one of ${KEYS[action].join(', ')}.`);
    }
    attributes.push({ key, value });
  }

  const token = params.NextToken;
  const tokenType = action === 'LookUpEvents' ? 'string' : 'number';
  if (token !== undefined && typeof token !== tokenType) return fail('InvalidParameter', `NextToken must be a ${tokenType}.`);

  const fingerprint = JSON.stringify([action, region, s, e, attributes, params.Mode ?? 'standard']);
  return { query: { action, start: s, end: e, maxResults: max as number, attributes, nextToken: token as string | number | undefined, fingerprint } };
}
