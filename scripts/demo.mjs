// `npm run demo`: the whole pipeline with no cloud account. Starts three local trail APIs, each
// checking its provider's real request signature and paging like the real API: CloudAudit (with
// STS, for a second account through a CAM role), ActionTrail and CloudTrail. Then runs the real CLI
// against them through the official SDKs, with one config watching all of it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeEvent, startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY } from '../build/cloudaudit-emulator.js';
import { makeActionTrailEvent, startActionTrailEmulator, TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET } from '../build/actiontrail-emulator.js';
import { makeCloudTrailEvent, startCloudTrailEmulator, TEST_ACCESS_KEY_ID as AWS_KEY_ID, TEST_SECRET_ACCESS_KEY } from '../build/cloudtrail-emulator.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (minute, second = 0) => new Date(Date.UTC(2026, 10, 22, 10, minute, second));
const OWN = '100012345678';
const MEMBER = '200000000002';
const ROLE = `qcs::cam::uin/${MEMBER}:roleName/AuditReader`;

// The caller's own account: the sample events of examples/. A member account, read through a role.
const own = readFileSync(join(root, 'examples/events.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const member = [
  makeEvent({ name: 'ConsoleLogin', time: at(3), accountId: MEMBER, actorType: 'Root', userName: 'root', service: 'cam', sourceIp: '203.0.113.50', eventType: 'ConsoleCall', mfa: false }),
  makeEvent({ name: 'DeleteBucket', time: at(12), accountId: MEMBER, actorType: 'CAMUser', userName: 'ci-bot', service: 'cos', resourceName: 'backups-1250000000' }),
];
const tencent = await startEmulator({
  events: [...own, ...member],
  accounts: { [TEST_SECRET_ID]: OWN },
  roles: [{ roleArn: ROLE, account: MEMBER, externalId: 'demo-external-id' }],
});
const actiontrail = await startActionTrailEmulator({
  events: [
    makeActionTrailEvent({ name: 'ConsoleSignin', time: at(5), actorType: 'root-account', userName: 'root', sourceIp: '198.51.100.77', mfa: false }),
    makeActionTrailEvent({ name: 'DeleteInstance', time: at(14), userName: 'ops-li', service: 'Ecs', resourceType: 'ACS::ECS::Instance', resourceName: 'i-bp1demo' }),
  ],
});
const cloudtrail = await startCloudTrailEmulator({
  events: [
    makeCloudTrailEvent({ name: 'ConsoleLogin', time: at(7), region: 'us-east-1', identity: 'Root', sourceIp: '192.0.2.44', mfa: false }),
    makeCloudTrailEvent({ name: 'StopLogging', time: at(18), region: 'us-east-1', userName: 'mallory', requestParameters: { name: 'org-trail' } }),
  ],
});

const work = mkdtempSync(join(tmpdir(), 'audit-demo-'));
const config = join(work, 'audit.yaml');
writeFileSync(
  config,
  `sources:
  - provider: tencentcloud
    regions: [ap-guangzhou]
    endpoint: ${tencent.url}
    credentials: { secretId: ${TEST_SECRET_ID}, secretKey: ${TEST_SECRET_KEY} }
    accounts:
      - { id: "${MEMBER}", roleArn: "${ROLE}", externalId: demo-external-id }
  - provider: alibabacloud
    regions: [cn-hangzhou]
    endpoint: ${actiontrail.url}
    stsEndpoint: ${actiontrail.url}
    credentials: { accessKeyId: ${TEST_ACCESS_KEY_ID}, accessKeySecret: ${TEST_ACCESS_KEY_SECRET} }
  - provider: aws
    regions: [us-east-1]
    endpoint: ${cloudtrail.url}
    credentials: { accessKeyId: ${AWS_KEY_ID}, secretAccessKey: ${TEST_SECRET_ACCESS_KEY} }
rules:
  - builtin: recommended
notifiers:
  - { name: console, type: stdout, format: text }
state:
  dir: ${join(work, 'state')}
`,
);

const cli = join(root, 'dist/cli.js');
const bold = (s) => (process.stderr.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
// Async spawn: the emulators live in this process, so its event loop must keep running.
async function step(title, args) {
  process.stderr.write(`\n${bold(`== ${title}`)}\n${bold(`$ audit ${args.join(' ')}`)}\n`);
  const child = spawn(process.execPath, [cli, ...args, '--config', config], { stdio: 'inherit', env: { ...process.env, LOG_LEVEL: 'info' } });
  const [code] = await once(child, 'exit');
  return code;
}

let failed = false;
try {
  process.stderr.write(
    `CloudAudit (two accounts, one through a CAM role) on ${tencent.url}, ActionTrail on ${actiontrail.url}, CloudTrail on ${cloudtrail.url}\n` +
      `Sample events of 2026-11-22 10:00-10:30 UTC\n`,
  );
  const range = ['--since', '2026-11-22T10:00:00Z', '--until', '2026-11-22T10:31:00Z'];
  failed ||= (await step('Every event of the half hour from every trail, normalized', ['events', ...range, '--output', 'text'])) !== 0;
  const check = ['check', '--since', '2026-11-22T10:00:00Z', '--until', '2026-11-22T10:25:00Z'];
  failed ||= (await step('Evaluate the recommended rules on all of them (windows end at 10:25, so the 10:20-10:24 burst counts)', check)) !== 0;
  failed ||= (await step('Run the same check again: nothing is raised twice', check)) !== 0;
  const calls = tencent.requests.length + tencent.stsRequests.length + actiontrail.requests.length + cloudtrail.requests.length;
  process.stderr.write(`\n${bold(`${calls} signed API calls served by the emulators. Try: node dist/cli.js --help`)}\n`);
} finally {
  await Promise.all([tencent.close(), actiontrail.close(), cloudtrail.close()]);
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
