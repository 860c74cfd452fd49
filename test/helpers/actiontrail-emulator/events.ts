import { randomUUID } from 'node:crypto';
import type { ActionTrailRecord } from './types.js';

/** The emulator's default account (a 16-digit UID, as Alibaba's are). */
export const TEST_ACCOUNT_ID = '1234567890123456';

/** A compact description of one ActionTrail event; everything but name and time has a plausible default. */
export interface ActionTrailEventSpec {
  name: string;
  /** A Date, an ISO string or unix seconds. */
  time: Date | string | number;
  id?: string;
  /** acsRegion; default cn-hangzhou. */
  region?: string;
  accountId?: string;
  /** root-account, ram-user (default), assumed-role, system, ... as ActionTrail names them. */
  actorType?: string;
  userName?: string;
  principalId?: string;
  /** Absent on console events; an STS key (STS.…) for assumed roles. */
  accessKeyId?: string;
  sourceIp?: string;
  /** A failed call's code, e.g. Forbidden.RAM; absent means success, written as "" as real records do. */
  errorCode?: string;
  errorMessage?: string;
  /** ApiCall (default), ConsoleSignin (default for that name), ConsoleOperation, AliyunServiceEvent, ... */
  eventType?: string;
  /** eventRW: true Read, false Write; default from the name's verb. */
  readOnly?: boolean;
  /** serviceName, e.g. Ecs (default), Oss, Ram, Cas; the event source becomes `<service>.aliyuncs.com`. */
  service?: string;
  resourceType?: string;
  /** `;`-separated names, as ActionTrail writes several. */
  resourceName?: string;
  userAgent?: string;
  /** Whether a console sign-in passed MFA (additionalEventData.isMFAChecked). */
  mfa?: boolean;
  requestParameters?: Record<string, unknown>;
}

const READ_VERBS = /^(Describe|Get|List|Lookup|Query|Check)/;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function toMs(time: ActionTrailEventSpec['time']): number {
  const ms = typeof time === 'number' ? time * 1000 : time instanceof Date ? time.getTime() : Date.parse(time);
  if (Number.isNaN(ms)) throw new Error(`makeActionTrailEvent: invalid time ${String(time)}`);
  return Math.floor(ms / 1000) * 1000;
}

function identity(spec: ActionTrailEventSpec, accountId: string, console: boolean): Record<string, unknown> {
  const type = spec.actorType ?? 'ram-user';
  if (type === 'root-account') {
    return { type, principalId: spec.principalId ?? accountId, accountId, userName: spec.userName ?? 'root', ...(console ? {} : { accessKeyId: spec.accessKeyId ?? 'LTAI5tRootKeyEXAMPLE0001' }) };
  }
  if (type === 'assumed-role') {
    const session = spec.userName ?? 'AuditReader:ops-session';
    return {
      type,
      principalId: spec.principalId ?? `300000000000001:${session.split(':').pop()}`,
      accountId,
      userName: session,
      accessKeyId: spec.accessKeyId ?? 'STS.NTEXAMPLEtemporaryKey0001',
      sessionContext: {
        attributes: { creationDate: iso(toMs(spec.time) - 600_000), mfaAuthenticated: 'false' },
        sessionIssuer: { type: 'role', principalId: '300000000000001', arn: `acs:ram::${accountId}:role/auditreader`, userName: 'AuditReader' },
      },
    };
  }
  return { type, principalId: spec.principalId ?? '200000000000001', accountId, userName: spec.userName ?? 'alice', ...(console ? {} : { accessKeyId: spec.accessKeyId ?? 'LTAI5tAliceKeyEXAMPLE001' }) };
}

/** An ActionTrail event as LookupEvents (2020-07-06) lists it. */
export function makeActionTrailEvent(spec: ActionTrailEventSpec): ActionTrailRecord {
  const ms = toMs(spec.time);
  const accountId = spec.accountId ?? TEST_ACCOUNT_ID;
  const region = spec.region ?? 'cn-hangzhou';
  const signin = spec.name === 'ConsoleSignin';
  const eventType = spec.eventType ?? (signin ? 'ConsoleSignin' : 'ApiCall');
  const console = eventType !== 'ApiCall';
  const root = (spec.actorType ?? 'ram-user') === 'root-account';
  const service = spec.service ?? (signin ? (root ? 'Aas' : 'AasSub') : 'Ecs');
  const requestId = randomUUID().toUpperCase();
  const failed = spec.errorCode !== undefined && spec.errorCode !== '';
  return {
    eventId: spec.id ?? randomUUID().toUpperCase(),
    eventVersion: '1',
    eventName: spec.name,
    eventType,
    eventCategory: 'Management',
    eventRW: (spec.readOnly ?? READ_VERBS.test(spec.name)) ? 'Read' : 'Write',
    eventSource: signin ? 'signin.aliyun.com' : `${service.toLowerCase()}.aliyuncs.com`,
    eventTime: iso(ms),
    acsRegion: region,
    serviceName: service,
    sourceIpAddress: spec.sourceIp ?? '198.51.100.23',
    userAgent: spec.userAgent ?? (console ? 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/124.0 Safari/537.36' : 'AlibabaCloud (linux; x64) Node.js/v20.11.0 Core/1.0.1 TeaDSL/2'),
    userIdentity: identity(spec, accountId, console),
    requestId,
    ...(signin
      ? { additionalEventData: { loginAccount: root ? 'owner@example.com' : `alice@${accountId}.onaliyun.com`, isMFAChecked: String(spec.mfa ?? false), callbackUrl: 'https://home.console.aliyun.com/' } }
      : { requestParameters: { RegionId: region, ...(spec.requestParameters ?? {}) }, responseElements: failed ? {} : { RequestId: requestId } }),
    errorCode: failed ? spec.errorCode : '',
    errorMessage: failed ? (spec.errorMessage ?? `${spec.name} failed with ${spec.errorCode}.`) : '',
    resourceType: spec.resourceType ?? '',
    resourceName: spec.resourceName ?? '',
    isGlobal: false,
  } as ActionTrailRecord;
}

/** `count` events spread evenly over [start, end), names taken in turn from `names`; every other field from `base`. */
export function spreadActionTrailEvents(
  count: number,
  opts: { start: Date; end: Date; names?: string[] } & Partial<Omit<ActionTrailEventSpec, 'time' | 'name' | 'id'>>,
): ActionTrailRecord[] {
  const { start, end, names = ['DescribeInstances'], ...base } = opts;
  const span = end.getTime() - start.getTime();
  return Array.from({ length: count }, (_, i) =>
    makeActionTrailEvent({ ...base, name: names[i % names.length], time: new Date(start.getTime() + Math.floor((span * i) / count)) }),
  );
}
