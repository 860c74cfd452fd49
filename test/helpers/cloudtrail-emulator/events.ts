import { randomUUID } from 'node:crypto';
import type { CloudTrailRecord } from './types.js';

export const TEST_ACCOUNT = '123456789012';

/** A compact description of one CloudTrail event; everything but name and time has a plausible default. */
export interface CloudTrailEventSpec {
  name: string;
  /** A Date, an ISO string or unix seconds. */
  time: Date | string | number;
  id?: string;
  region?: string;
  account?: string;
  /** IAMUser (default), Root, AssumedRole or AWSService. */
  identity?: 'IAMUser' | 'Root' | 'AssumedRole' | 'AWSService';
  /** The IAM user's name (IAMUser). */
  userName?: string;
  /** The role and session of an AssumedRole. */
  roleName?: string;
  sessionName?: string;
  accessKeyId?: string;
  /** The service's name as in `<service>.amazonaws.com`; guessed from the event name when absent. */
  service?: string;
  /** A failed call: errorCode and errorMessage; for ConsoleLogin, a failed sign-in (which has no code). */
  errorCode?: string;
  errorMessage?: string;
  readOnly?: boolean;
  sourceIp?: string;
  userAgent?: string;
  requestParameters?: Record<string, unknown> | null;
  /** ARNs the call touched, with their types (`AWS::S3::Bucket`). */
  resources?: readonly { type: string; arn: string }[];
  /** ConsoleLogin: whether MFA was used (additionalEventData.MFAUsed). */
  mfa?: boolean;
}

const READ_PREFIXES = /^(Describe|Get|List|Lookup|Head|Search|BatchGet)/;
const SERVICES: [RegExp, string][] = [
  [/^ConsoleLogin$|^CheckMfa$|^SwitchRole$/, 'signin'],
  [/Bucket|Object/, 's3'],
  [/Trail|Logging|EventSelectors|LookupEvents/, 'cloudtrail'],
  [/^(AssumeRole|GetCallerIdentity|GetSessionToken)/, 'sts'],
  [/User|AccessKey|Role|Policy|Group|LoginProfile|MFADevice/, 'iam'],
];

function isoSeconds(time: CloudTrailEventSpec['time']): string {
  const ms = typeof time === 'number' ? time * 1000 : time instanceof Date ? time.getTime() : Date.parse(time);
  if (Number.isNaN(ms)) throw new Error(`makeCloudTrailEvent: invalid time ${String(time)}`);
  // CloudTrail records whole seconds.
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function identityOf(spec: CloudTrailEventSpec, account: string, service: string): Record<string, unknown> {
  const kind = spec.identity ?? 'IAMUser';
  if (kind === 'Root') {
    return { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId: spec.accessKeyId ?? '' };
  }
  if (kind === 'AWSService') return { type: 'AWSService', invokedBy: `${service === 'cloudtrail' ? 'ec2' : service}.amazonaws.com` };
  if (kind === 'AssumedRole') {
    const role = spec.roleName ?? 'AuditAdmin';
    const session = spec.sessionName ?? 'alice@example.com';
    return {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLEROLEID0001:${session}`,
      arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
      accountId: account,
      accessKeyId: spec.accessKeyId ?? 'ASIAEXAMPLETEMPKEY01',
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEROLEID0001', arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role },
        webIdFederationData: {},
        attributes: { creationDate: '2026-11-19T23:00:00Z', mfaAuthenticated: 'false' },
      },
    };
  }
  const user = spec.userName ?? 'alice';
  return { type: 'IAMUser', principalId: 'AIDAEXAMPLEUSERID0001', arn: `arn:aws:iam::${account}:user/${user}`, accountId: account, accessKeyId: spec.accessKeyId ?? 'AKIAEXAMPLEUSERKEY01', userName: user };
}

/** A CloudTrail record as S3 delivers it: what LookupEvents' `CloudTrailEvent` holds too. */
export function makeCloudTrailEvent(spec: CloudTrailEventSpec): CloudTrailRecord {
  const account = spec.account ?? TEST_ACCOUNT;
  const region = spec.region ?? 'us-east-1';
  const service = spec.service ?? SERVICES.find(([re]) => re.test(spec.name))?.[1] ?? 'ec2';
  const userIdentity = identityOf(spec, account, service);
  const login = spec.name === 'ConsoleLogin';
  const failed = spec.errorCode !== undefined || (login && spec.errorMessage !== undefined);
  const viaService = userIdentity.type === 'AWSService' ? (userIdentity.invokedBy as string) : undefined;
  const record: Record<string, unknown> = {
    eventVersion: login ? '1.08' : '1.09',
    userIdentity,
    eventTime: isoSeconds(spec.time),
    eventSource: `${service}.amazonaws.com`,
    eventName: spec.name,
    awsRegion: region,
    sourceIPAddress: viaService ?? spec.sourceIp ?? '203.0.113.10',
    userAgent: viaService ?? spec.userAgent ?? (login ? 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' : 'aws-cli/2.15.0 Python/3.11.6'),
    requestParameters: login ? null : (spec.requestParameters ?? null),
    responseElements: login ? { ConsoleLogin: failed ? 'Failure' : 'Success' } : null,
    ...(login ? { additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: spec.mfa ? 'Yes' : 'No' } } : {}),
    ...(login ? {} : { requestID: randomUUID() }),
    eventID: spec.id ?? randomUUID(),
    readOnly: spec.readOnly ?? (!login && READ_PREFIXES.test(spec.name)),
    ...(spec.resources ? { resources: spec.resources.map((r) => ({ accountId: account, type: r.type, ARN: r.arn })) } : {}),
    eventType: login ? 'AwsConsoleSignIn' : 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
  };
  if (failed && !login) record.errorCode = spec.errorCode;
  if (failed) record.errorMessage = spec.errorMessage ?? (login ? 'Failed authentication' : `${spec.name} failed`);
  return record as CloudTrailRecord;
}

/**
 * `count` records spread evenly over [start, end), names taken in turn from `names`. Handy for
 * paging and throttling tests; every other field comes from `base`.
 */
export function spreadCloudTrailEvents(
  count: number,
  opts: { start: Date; end: Date; names?: string[] } & Partial<Omit<CloudTrailEventSpec, 'time' | 'name' | 'id'>>,
): CloudTrailRecord[] {
  const { start, end, names = ['DescribeInstances'], ...base } = opts;
  const span = end.getTime() - start.getTime();
  return Array.from({ length: count }, (_, i) =>
    makeCloudTrailEvent({ ...base, name: names[i % names.length], time: new Date(start.getTime() + Math.floor((span * i) / count)) }),
  );
}
