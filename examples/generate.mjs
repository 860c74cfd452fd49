#!/usr/bin/env node
// Regenerates examples/events.ndjson and examples/api-response.json: a fixed half hour
// (2026-11-22 10:00–10:30 UTC) of LookUpEvents-shaped records. Deterministic: no clock, no
// randomness, so a diff of the output is a diff of this script. See examples/README.md.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ACCOUNT = 100012345678;
const BASE = Date.UTC(2026, 10, 22, 10, 0, 0) / 1000;
const at = (mm, ss = 0) => BASE + mm * 60 + ss;

const uuid = (seed) => {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

// Identities. Keys are obviously fake (AKID…EXAMPLE…); they are access key *ids*, not secrets.
const who = {
  root: { type: 'Root', principalId: String(ACCOUNT), userName: 'root', secretId: 'AKIDROOTEXAMPLE000000000000000000001', ip: '198.51.100.7' },
  alice: { type: 'CAMUser', principalId: '100098765001', userName: 'alice', secretId: 'AKIDALICEEXAMPLE00000000000000000001', ip: '198.51.100.23' },
  bob: { type: 'CAMUser', principalId: '100098765002', userName: 'bob', secretId: 'AKIDBOBEXAMPLE0000000000000000000001', ip: '198.51.100.41' },
  ci: { type: 'CAMUser', principalId: '100098765003', userName: 'ci-deployer', secretId: 'AKIDCIDEPLOYEXAMPLE00000000000000001', ip: '203.0.113.50' },
};

const SERVICES = {
  cvm: ['cvm.tencentcloudapi.com', '云服务器'],
  vpc: ['vpc.tencentcloudapi.com', '私有网络'],
  cdb: ['cdb.tencentcloudapi.com', '云数据库 MySQL'],
  cos: ['cos.ap-guangzhou.myqcloud.com', '对象存储'],
  cam: ['cam.tencentcloudapi.com', '访问管理'],
  redis: ['redis.tencentcloudapi.com', '云数据库 Redis'],
  tke: ['tke.tencentcloudapi.com', '容器服务'],
  cloudaudit: ['cloudaudit.tencentcloudapi.com', '操作审计'],
};
const AGENTS = {
  console: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  sdk: 'SDK_PYTHON_3.0.1267',
  cli: 'TCCLI/3.0.1267.1',
  terraform: 'terraform-provider-tencentcloud/1.81.160',
};

const pad = (n) => String(n).padStart(2, '0');
/** "2026-11-22 18:05:00": the console format, China Standard Time (UTC+8). */
function cst(unix) {
  const d = new Date((unix + 8 * 3600) * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

let seq = 0;
/**
 * One LookUpEvents `Response.Events` element with its CloudAudit record inside.
 * o: { t, user, name, service, read, resource?, resourceType?, error?, cam?, sensitive?, console?, agent?, ip?,
 *      mfa?, params?, region?, cstOuter?, innerTime?, drift? }
 */
function event(o) {
  seq++;
  const u = who[o.user];
  const [source, typeCn] = SERVICES[o.service];
  const id = uuid(`event-${seq}`);
  const requestId = uuid(`request-${seq}`);
  const region = o.region ?? 'ap-guangzhou';
  const failedApi = o.error ? o.error[0] : 0;
  const cam = o.cam ?? [0, 'permission verify'];
  const inner = {
    userIdentity: {
      principalId: u.principalId,
      accountId: String(ACCOUNT),
      secretId: o.console ? '' : u.secretId,
      sessionContext: o.mfa === undefined ? {} : { attributes: { mfaAuthenticated: o.mfa ? 'true' : 'false', creationDate: cst(o.t) } },
      type: u.type,
      userName: u.userName,
    },
    eventRegion: region,
    eventVersion: 2,
    errorCode: cam[0],
    errorMessage: cam[1],
    requestID: requestId,
    eventID: id,
    apiVersion: '3.0',
    eventType: o.console ? 'ConsoleCall' : 'ApiCall',
    actionType: o.read ? 'Read' : 'Write',
    httpMethod: 'POST',
    apiErrorCode: failedApi,
    apiErrorMessage: o.error ? o.error[1] : '',
    userAgent: AGENTS[o.agent ?? (o.console ? 'console' : 'sdk')],
    eventTime: o.innerTime === 'cst' ? cst(o.t) : o.innerTime === 'string' ? String(o.t) : o.t,
    sensitiveAction: o.sensitive ? '1' : '0',
    sourceIPAddress: o.ip ?? u.ip,
    resourceType: o.service,
    eventName: o.name,
    eventSource: source,
    resourceSet: o.resource ? o.resource.split(',') : [],
    requestParameters: { Action: o.name, Region: region, ...(o.params ?? {}) },
    responseElements: '"{}"',
    resources: o.resource ? JSON.stringify(o.resource.split(',')) : '["*"]',
    resourceName: o.resource ?? '',
    tags: [''],
  };
  const outer = {
    EventId: id,
    Username: u.userName,
    EventTime: o.cstOuter ? cst(o.t) : String(o.t),
    CloudAuditEvent: JSON.stringify(inner),
    ResourceTypeCn: typeCn,
    ErrorCode: o.drift ? String(cam[0]) : cam[0],
    EventName: o.name,
    SecretId: inner.userIdentity.secretId,
    EventSource: source,
    RequestID: requestId,
    ResourceRegion: region,
    AccountID: o.drift ? String(ACCOUNT) : ACCOUNT,
    SourceIPAddress: inner.sourceIPAddress,
    EventNameCn: '',
    Resources: { ResourceType: o.resourceType ?? o.service, ResourceName: o.resource ?? '' },
    EventRegion: region,
  };
  return outer;
}

const DENIED = (action) => [4102, `you are not authorized to perform operation (${action})\nresource (qcs::${action.split(':')[0]}:ap-guangzhou:uin/100098765003:*) has no permission`];
const events = [];
const add = (o) => events.push(event(o));

// 1. Console logins: root with MFA, alice with MFA, and later root again with no MFA info.
add({ t: at(0, 40), user: 'root', name: 'ConsoleLogin', service: 'cam', read: false, console: true, mfa: true });
add({ t: at(1, 10), user: 'alice', name: 'ConsoleLogin', service: 'cam', read: false, console: true, mfa: true, cstOuter: true });
add({ t: at(26, 5), user: 'root', name: 'ConsoleLogin', service: 'cam', read: false, console: true, ip: '203.0.113.99', innerTime: 'cst' });

// 2. Everyday reads by CAM users (and one root SDK LookUpEvents, like the seed record).
const reads = [
  [2, 5, 'alice', 'DescribeInstances', 'cvm'], [3, 30, 'bob', 'DescribeImages', 'cvm'],
  [4, 15, 'alice', 'DescribeVpcs', 'vpc'], [7, 0, 'bob', 'DescribeSecurityGroups', 'vpc'],
  [9, 45, 'alice', 'DescribeDBInstances', 'cdb'], [12, 5, 'bob', 'DescribeClusters', 'tke'],
  [14, 50, 'alice', 'DescribeInstancesStatus', 'cvm'], [16, 20, 'bob', 'DescribeZones', 'cvm'],
  [19, 10, 'alice', 'DescribeInstances', 'cvm'], [23, 35, 'bob', 'DescribeVpcs', 'vpc'],
  [28, 55, 'alice', 'DescribeDBInstances', 'cdb'],
];
reads.forEach(([m, s, user, name, service], i) =>
  add({ t: at(m, s), user, name, service, read: true, agent: i % 3 === 0 ? 'cli' : 'sdk', cstOuter: i % 4 === 1, innerTime: i % 5 === 2 ? 'string' : undefined, drift: i % 3 === 2 }),
);
add({ t: at(5, 30), user: 'root', name: 'LookUpEvents', service: 'cloudaudit', read: true, agent: 'sdk', params: { MaxResults: '10' } });

// 3. Deletions: three successes and one failed delete.
add({ t: at(6, 30), user: 'bob', name: 'TerminateInstances', service: 'cvm', read: false, resource: 'ins-8k2m4x1a,ins-9p3q7w2b', resourceType: 'instance', sensitive: true, params: { 'InstanceIds.0': 'ins-8k2m4x1a', 'InstanceIds.1': 'ins-9p3q7w2b' } });
add({ t: at(8, 10), user: 'bob', name: 'DeleteInstances', service: 'redis', read: false, resource: 'crs-5a8x3k2n', resourceType: 'instance', agent: 'terraform', cstOuter: true });
add({ t: at(11, 20), user: 'alice', name: 'DeleteBucket', service: 'cos', read: false, resource: 'logs-archive-1250000000', resourceType: 'bucket', sensitive: true, innerTime: 'cst' });
add({ t: at(17, 45), user: 'bob', name: 'DeleteBucket', service: 'cos', read: false, resource: 'media-prod-1250000000', resourceType: 'bucket', sensitive: true, error: ['BucketNotEmpty', 'The bucket you tried to delete is not empty.'] });

// 4. Spend: a price inquiry, then the purchase.
add({ t: at(8, 30), user: 'bob', name: 'InquiryPriceRunInstances', service: 'cvm', read: true, agent: 'cli', params: { InstanceType: 'S5.LARGE8', InstanceCount: 4 } });
add({ t: at(9, 0), user: 'bob', name: 'RunInstances', service: 'cvm', read: false, agent: 'cli', resource: 'ins-2b7c5d9e,ins-3c8d6e0f,ins-4d9e7f1a,ins-5e0f8a2b', resourceType: 'instance', params: { InstanceType: 'S5.LARGE8', InstanceCount: 4 } });

// 5. Credentials and permissions: alice gives ci-deployer a new key and admin rights.
add({ t: at(12, 40), user: 'alice', name: 'CreateAccessKey', service: 'cam', read: false, sensitive: true, resource: 'ci-deployer', resourceType: 'user', params: { TargetUin: 100098765003 } });
add({ t: at(13, 30), user: 'alice', name: 'AttachUserPolicy', service: 'cam', read: false, sensitive: true, resource: 'ci-deployer', resourceType: 'user', params: { PolicyId: 1, AttachUin: 100098765003 } });

// 6. Background failures, so the 5-minute windows have a baseline: 1, 2, 2, 3 (+ failed delete), 0 (+ burst), 1.
const failures = [
  [3, 50, 'bob', 'DescribeInstances', 'cvm', { error: ['InvalidParameterValue', 'The value `ins-xyz` of parameter `InstanceIds` is invalid.'] }],
  [6, 5, 'alice', 'ModifyInstancesAttribute', 'cvm', { cam: DENIED('cvm:ModifyInstancesAttribute') }],
  [9, 20, 'bob', 'StartInstances', 'cvm', { error: ['ResourceNotFound.InstanceNotFound', 'Instance `ins-0000dead` not found.'] }],
  [11, 55, 'bob', 'CreateSecurityGroupPolicies', 'vpc', { error: ['LimitExceeded', 'The number of security group rules exceeds the limit.'] }],
  [13, 5, 'alice', 'DescribeDBInstances', 'cdb', { cam: DENIED('cdb:DescribeDBInstances'), drift: true }],
  [15, 40, 'bob', 'StartInstances', 'cvm', { error: ['ResourceNotFound.InstanceNotFound', 'Instance `ins-0000dead` not found.'] }],
  [16, 50, 'alice', 'ModifyInstancesAttribute', 'cvm', { cam: DENIED('cvm:ModifyInstancesAttribute'), cstOuter: true }],
  [18, 30, 'bob', 'ResetInstancesPassword', 'cvm', { error: ['FailedOperation', 'The instance is not in a state that allows this operation.'] }],
  [27, 0, 'bob', 'DescribeClusters', 'tke', { error: ['InternalError', 'An internal error occurred.'], read: true }],
];
for (const [m, s, user, name, service, extra] of failures) add({ t: at(m, s), user, name, service, read: name.startsWith('Describe'), ...extra });

// 7. The burst: 24 denied calls from ci-deployer's key in 10:20–10:25 (every ~11s).
const burstActions = [['DescribeInstances', 'cvm'], ['DescribeSecurityGroups', 'vpc'], ['DescribeDBInstances', 'cdb'], ['DescribeClusters', 'tke']];
for (let i = 0; i < 24; i++) {
  const [name, service] = burstActions[i % burstActions.length];
  const auth = i % 12 < 7;
  add({
    t: at(20, 10 + i * 11), user: 'ci', name, service, read: true, agent: 'terraform',
    cam: auth ? DENIED(`${service}:${name}`) : undefined,
    error: auth ? ['AuthFailure.UnauthorizedOperation', 'CAM signature/authentication error: unauthorized operation.'] : ['UnauthorizedOperation', 'The request is not authorized.'],
    cstOuter: i % 6 === 5,
  });
}

// 8. Someone silences the audit trail.
add({ t: at(27, 30), user: 'bob', name: 'StopLogging', service: 'cloudaudit', read: false, sensitive: true, resource: 'org-trail', resourceType: 'audit', agent: 'cli', params: { AuditName: 'org-trail' } });
add({ t: at(28, 10), user: 'bob', name: 'DeleteAudit', service: 'cloudaudit', read: false, sensitive: true, resource: 'org-trail', resourceType: 'audit', agent: 'cli', params: { AuditName: 'org-trail' } });

// 9. Writes that are fine.
add({ t: at(10, 15), user: 'alice', name: 'ModifySecurityGroupPolicies', service: 'vpc', read: false, resource: 'sg-4f7k2m9x', resourceType: 'securitygroup', agent: 'terraform' });
add({ t: at(25, 40), user: 'bob', name: 'StartInstances', service: 'cvm', read: false, resource: 'ins-2b7c5d9e', resourceType: 'instance' });

const timeOf = (e) => Number(JSON.parse(e.CloudAuditEvent).eventTime) || Date.parse(`${JSON.parse(e.CloudAuditEvent).eventTime.replace(' ', 'T')}+08:00`) / 1000;
events.sort((a, b) => timeOf(a) - timeOf(b) || a.EventId.localeCompare(b.EventId));

// Usage: node examples/generate.mjs [outDir]   (default: beside this script)
const here = process.argv[2] ? pathToFileURL(resolve(process.argv[2]) + '/') : new URL('.', import.meta.url);
writeFileSync(new URL('events.ndjson', here), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
// The API returns newest first; this page holds the first ten minutes.
const page = events.filter((e) => timeOf(e) < at(10)).reverse();
const response = { Response: { Events: page, ListOver: true, NextToken: '', RequestId: uuid('lookup-page-1') } };
writeFileSync(new URL('api-response.json', here), JSON.stringify(response, null, 2) + '\n');
console.log(`wrote ${events.length} events (${page.length} in api-response.json)`);
