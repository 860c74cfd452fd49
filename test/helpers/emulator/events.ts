import { randomUUID } from 'node:crypto';
import { DEFAULT_ACCOUNT } from './sts.js';
import type { ApiEvent } from './types.js';

/** A compact description of one audit event; everything but name and time has a plausible default. */
export interface EventSpec {
  name: string;
  /** A Date, an ISO string or unix seconds. */
  time: Date | string | number;
  id?: string;
  region?: string;
  /** Root (default), CAMUser, AssumedRole, ... as CloudAudit names them. */
  actorType?: string;
  userName?: string;
  principalId?: string;
  accountId?: string;
  secretId?: string;
  sourceIp?: string;
  /** CloudAudit's place label for the source address (DescribeEvents with IsReturnLocation=1 only). */
  location?: string;
  /** The product API's error (apiErrorCode): a code like `ResourceNotFound` or a number; absent = success. */
  errorCode?: string | number;
  errorMessage?: string;
  /** CAM's verdict (ErrorCode / errorCode), e.g. 4102 for an unauthorized call; 0 = allowed. */
  camErrorCode?: number;
  eventType?: string;
  readOnly?: boolean;
  sensitive?: boolean;
  /** Product, e.g. cvm, cos, cam; the event source becomes `<service>.tencentcloudapi.com`. */
  service?: string;
  resourceName?: string;
  userAgent?: string;
  requestParameters?: Record<string, unknown>;
  mfa?: boolean;
  /** `unix` (default, today's API) or `cst`: `YYYY-MM-DD HH:mm:ss` in UTC+8 as older answers had it. */
  timeFormat?: 'unix' | 'cst';
}

const READ_PREFIXES = /^(Describe|Get|List|LookUp|Lookup|Query|Inquire|Check)/;

function toSeconds(time: EventSpec['time']): number {
  if (typeof time === 'number') return Math.floor(time);
  const ms = time instanceof Date ? time.getTime() : Date.parse(time);
  if (Number.isNaN(ms)) throw new Error(`makeEvent: invalid time ${String(time)}`);
  return Math.floor(ms / 1000);
}

function cst(seconds: number): string {
  return new Date(seconds * 1000 + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** An API-shaped Event record, with a CloudAuditEvent JSON string like the console shows. */
export function makeEvent(spec: EventSpec): ApiEvent {
  const seconds = toSeconds(spec.time);
  const id = spec.id ?? randomUUID();
  const requestId = randomUUID();
  const region = spec.region ?? 'ap-guangzhou';
  const accountId = spec.accountId ?? DEFAULT_ACCOUNT;
  const actorType = spec.actorType ?? 'Root';
  const principalId = spec.principalId ?? (actorType === 'Root' ? accountId : '100000000099');
  const userName = spec.userName ?? (actorType === 'Root' ? 'root' : actorType === 'AssumedRole' ? 'roleUser' : principalId);
  const secretId = spec.secretId ?? 'AKIDEXAMPLE0000000000000000000000000';
  const sourceIp = spec.sourceIp ?? '203.0.113.10';
  const service = spec.service ?? 'cvm';
  const camErrorCode = spec.camErrorCode ?? 0;
  const readOnly = spec.readOnly ?? READ_PREFIXES.test(spec.name);
  const eventSource = `${service}.tencentcloudapi.com`;
  const resourceName = spec.resourceName ?? '';
  const apiFailed = spec.errorCode !== undefined && spec.errorCode !== 0 && spec.errorCode !== '0';

  const record = {
    userIdentity: {
      principalId,
      accountId,
      secretId,
      sessionContext: spec.mfa === undefined ? {} : { mfa: spec.mfa ? 1 : 0 },
      type: actorType,
      userName,
    },
    eventRegion: region,
    eventVersion: 2,
    errorCode: String(camErrorCode),
    errorMessage: camErrorCode === 0 ? 'permission verify' : (spec.errorMessage ?? 'permission denied'),
    requestID: requestId,
    eventID: id,
    apiVersion: '3.0',
    eventType: spec.eventType ?? (spec.name === 'ConsoleLogin' ? 'ConsoleLogin' : 'ApiCall'),
    actionType: readOnly ? 'Read' : 'Write',
    httpMethod: 'POST',
    apiErrorCode: apiFailed ? spec.errorCode : 0,
    apiErrorMessage: apiFailed ? (spec.errorMessage ?? `${spec.name} failed`) : '',
    userAgent: spec.userAgent ?? 'SDK_NODEJS_4.1.0',
    eventTime: seconds,
    sensitiveAction: spec.sensitive ? '1' : '0',
    sourceIPAddress: sourceIp,
    resourceType: service,
    eventName: spec.name,
    eventSource,
    resourceSet: [],
    requestParameters: JSON.stringify({ Action: spec.name, Region: region, ...(spec.requestParameters ?? {}) }),
    responseElements: '{}',
    resources: JSON.stringify([resourceName || '*']),
    resourceName,
    tags: [''],
  };

  return {
    EventId: id,
    EventName: spec.name,
    EventTime: spec.timeFormat === 'cst' ? cst(seconds) : String(seconds),
    CloudAuditEvent: JSON.stringify(record),
    Username: userName,
    SecretId: secretId,
    SourceIPAddress: sourceIp,
    ErrorCode: camErrorCode,
    EventRegion: region,
    ResourceRegion: region,
    RequestID: requestId,
    EventSource: eventSource,
    AccountID: Number(accountId),
    Resources: { ResourceType: service, ResourceName: resourceName },
    ResourceTypeCn: '',
    EventNameCn: '',
    ...(spec.location ? { Location: spec.location } : {}),
  };
}

/**
 * `count` events spread evenly over [start, end), names taken in turn from `names`. Handy for
 * pagination and benchmark data; every other field comes from `base`.
 */
export function spreadEvents(
  count: number,
  opts: { start: Date; end: Date; names?: string[] } & Partial<Omit<EventSpec, 'time' | 'name' | 'id'>>,
): ApiEvent[] {
  const { start, end, names = ['DescribeInstances'], ...base } = opts;
  const span = end.getTime() - start.getTime();
  return Array.from({ length: count }, (_, i) =>
    makeEvent({ ...base, name: names[i % names.length], time: new Date(start.getTime() + Math.floor((span * i) / count)) }),
  );
}
