// Deterministic synthetic CloudAudit records for the benchmark: the same seed gives the same
// bytes. Each line is one LookUpEvents `Response.Events` element (~1.5 KB) with the full record
// as a JSON string in CloudAuditEvent, as the API returns it.
import { closeSync, openSync, writeSync } from 'node:fs';

/** mulberry32: small, fast, good enough to pick from weighted lists reproducibly. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACCOUNT = 100012345678;
const REGIONS = ['ap-guangzhou', 'ap-shanghai', 'ap-beijing', 'ap-hongkong', 'ap-singapore'];
const SERVICES = {
  cvm: ['cvm.tencentcloudapi.com', '云服务器', 'instance'],
  vpc: ['vpc.tencentcloudapi.com', '私有网络', 'vpc'],
  cdb: ['cdb.tencentcloudapi.com', '云数据库 MySQL', 'cdb'],
  cos: ['cos.ap-guangzhou.myqcloud.com', '对象存储', 'cos'],
  cam: ['cam.tencentcloudapi.com', '访问管理', 'cam'],
  clb: ['clb.tencentcloudapi.com', '负载均衡', 'clb'],
  tke: ['tke.tencentcloudapi.com', '容器服务', 'cluster'],
};
// [weight, name, service, read]
const ACTIONS = [
  [2, 'ConsoleLogin', 'cam', false],
  [20, 'DescribeInstances', 'cvm', true],
  [12, 'DescribeInstancesStatus', 'cvm', true],
  [10, 'DescribeVpcs', 'vpc', true],
  [9, 'DescribeSecurityGroups', 'vpc', true],
  [8, 'DescribeDBInstances', 'cdb', true],
  [6, 'DescribeLoadBalancers', 'clb', true],
  [5, 'DescribeClusters', 'tke', true],
  [5, 'GetBucket', 'cos', true],
  [4, 'DescribeImages', 'cvm', true],
  [6, 'ModifyInstancesAttribute', 'cvm', false],
  [7, 'PutObject', 'cos', false],
  [1, 'CreateSecurityGroupPolicies', 'vpc', false],
  [1, 'StartInstances', 'cvm', false],
  [1, 'StopInstances', 'cvm', false],
  [0.5, 'RunInstances', 'cvm', false],
  [0.3, 'DeleteSecurityGroup', 'vpc', false],
  [0.5, 'DeleteObject', 'cos', false],
  [0.05, 'DeleteDBInstance', 'cdb', false],
  [0.1, 'DeleteLoadBalancers', 'clb', false],
  [0.2, 'TerminateInstances', 'cvm', false],
  [0.05, 'RemoveUserFromGroup', 'cam', false],
  [0.05, 'CreateAccessKey', 'cam', false],
];
const SENSITIVE = new Set(['CreateAccessKey', 'DeleteDBInstance', 'TerminateInstances']);
const TOTAL_WEIGHT = ACTIONS.reduce((s, a) => s + a[0], 0);
const USERS = Array.from({ length: 40 }, (_, i) => ({
  principalId: String(100098765000 + i),
  userName: `user-${String(i).padStart(2, '0')}`,
  secretId: `AKID${'EXAMPLEBENCH'}${String(i).padStart(20, '0')}`,
  ip: `198.51.100.${10 + i}`,
}));
const ROOT = { principalId: String(ACCOUNT), userName: 'root', secretId: 'AKIDROOTEXAMPLEBENCH00000000000000001', ip: '203.0.113.7' };
const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'SDK_PYTHON_3.0.1267',
  'TCCLI/3.0.1267.1',
  'terraform-provider-tencentcloud/1.81.160',
];

const hex = (rand, n) => {
  let s = '';
  while (s.length < n) s += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, n);
};
const uuid = (rand) => {
  const h = hex(rand, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const pad = (n) => String(n).padStart(2, '0');
function cst(unix) {
  const d = new Date((unix + 8 * 3600) * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function pickAction(rand) {
  let r = rand() * TOTAL_WEIGHT;
  for (const a of ACTIONS) if ((r -= a[0]) < 0) return a;
  return ACTIONS[0];
}

/** One record at unix second `t`. */
export function record(rand, t, regions = REGIONS) {
  const [, name, svc, read] = pickAction(rand);
  const [source, typeCn, resourceType] = SERVICES[svc];
  const root = rand() < 0.01;
  const u = root ? ROOT : USERS[Math.floor(rand() * USERS.length)];
  const consoleCall = name === 'ConsoleLogin' || rand() < 0.3;
  const region = regions[Math.floor(rand() * regions.length)];
  const failed = rand() < 0.05;
  const camDenied = failed && rand() < 0.4;
  const id = uuid(rand);
  const requestId = uuid(rand);
  const resourceName = read || name === 'ConsoleLogin' ? '' : `${resourceType}-${hex(rand, 8)}`;
  const inner = {
    userIdentity: {
      principalId: u.principalId,
      accountId: String(ACCOUNT),
      secretId: consoleCall ? '' : u.secretId,
      sessionContext: name === 'ConsoleLogin' ? { attributes: { mfaAuthenticated: rand() < 0.8 ? 'true' : 'false', creationDate: cst(t) } } : {},
      type: root ? 'Root' : 'CAMUser',
      userName: u.userName,
    },
    eventRegion: region,
    eventVersion: 2,
    errorCode: camDenied ? 403 : 0,
    errorMessage: camDenied ? `you are not authorized to perform operation (${svc}:${name})` : 'permission verify',
    requestID: requestId,
    eventID: id,
    apiVersion: '3.0',
    eventType: consoleCall ? 'ConsoleCall' : 'ApiCall',
    actionType: read ? 'Read' : 'Write',
    httpMethod: 'POST',
    apiErrorCode: failed && !camDenied ? 'InvalidParameterValue' : 0,
    apiErrorMessage: failed && !camDenied ? 'The value of parameter `InstanceIds` is invalid.' : '',
    userAgent: AGENTS[consoleCall ? 0 : 1 + Math.floor(rand() * 3)],
    eventTime: t,
    sensitiveAction: SENSITIVE.has(name) ? '1' : '0',
    sourceIPAddress: u.ip,
    resourceType,
    eventName: name,
    eventSource: source,
    resourceSet: resourceName ? [`qcs::${resourceType}:${region}:uin/${ACCOUNT}:${resourceType}/${resourceName}`] : [],
    requestParameters: {
      Action: name,
      Region: region,
      ...(resourceName ? { ResourceIds: [resourceName] } : { Limit: 100, Offset: 0 }),
    },
    responseElements: '"{}"',
    resources: JSON.stringify([resourceName || '*']),
    resourceName,
    tags: [''],
  };
  return {
    EventId: id,
    Username: u.userName,
    EventTime: String(t),
    CloudAuditEvent: JSON.stringify(inner),
    ResourceTypeCn: typeCn,
    ErrorCode: camDenied ? 403 : 0,
    EventName: name,
    SecretId: inner.userIdentity.secretId,
    EventSource: source,
    RequestID: requestId,
    ResourceRegion: region,
    AccountID: ACCOUNT,
    SourceIPAddress: u.ip,
    EventNameCn: '',
    Resources: { ResourceType: resourceType, ResourceName: resourceName },
    EventRegion: region,
  };
}

/** `count` records spread evenly over (endSec − spanSec, endSec], oldest first. */
export function* records({ seed, count, endSec, spanSec, regions }) {
  const rand = prng(seed);
  const step = spanSec / count;
  const start = endSec - spanSec;
  for (let i = 0; i < count; i++) yield record(rand, Math.floor(start + (i + 1) * step), regions);
}

/** Writes the records as NDJSON; returns the byte count. */
export function writeNdjson(path, opts) {
  const fd = openSync(path, 'w');
  let buf = '';
  let bytes = 0;
  try {
    for (const r of records(opts)) {
      buf += JSON.stringify(r) + '\n';
      if (buf.length > 1 << 22) {
        bytes += writeSync(fd, buf);
        buf = '';
      }
    }
    if (buf) bytes += writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
