// `npm run demo`: the whole pipeline with no cloud account. Starts the local CloudAudit emulator
// (it checks TC3-HMAC-SHA256 signatures and pages like the real API) loaded with examples/, then
// runs the real CLI against it through the real Tencent SDK.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY } from '../build/cloudaudit-emulator.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const events = readFileSync(join(root, 'examples/events.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const emulator = await startEmulator({ events });
const work = mkdtempSync(join(tmpdir(), 'audit-demo-'));
const config = join(work, 'audit.yaml');
writeFileSync(
  config,
  `source:
  provider: tencentcloud
  region: ap-guangzhou
  endpoint: ${emulator.url}
  credentials: { secretId: ${TEST_SECRET_ID}, secretKey: ${TEST_SECRET_KEY} }
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
// Async spawn: the emulator lives in this process, so its event loop must keep running.
async function step(title, args) {
  process.stderr.write(`\n${bold(`== ${title}`)}\n${bold(`$ audit ${args.join(' ')}`)}\n`);
  const child = spawn(process.execPath, [cli, ...args, '--config', config], { stdio: 'inherit', env: { ...process.env, LOG_LEVEL: 'info' } });
  const [code] = await once(child, 'exit');
  return code;
}

let failed = false;
try {
  process.stderr.write(`CloudAudit emulator on ${emulator.url} with ${events.length} sample events (2026-11-22 10:00-10:30 UTC)\n`);
  const range = ['--since', '2026-11-22T10:00:00Z', '--until', '2026-11-22T10:31:00Z'];
  failed ||= (await step('Every event of the half hour, normalized', ['events', ...range, '--output', 'text'])) !== 0;
  const check = ['check', '--since', '2026-11-22T10:00:00Z', '--until', '2026-11-22T10:25:00Z'];
  failed ||= (await step('Evaluate the recommended rules (windows end at 10:25, so the 10:20-10:24 burst counts)', check)) !== 0;
  failed ||= (await step('Run the same check again: nothing is raised twice', check)) !== 0;
  const calls = emulator.requests.length;
  process.stderr.write(`\n${bold(`${calls} signed API calls served by the emulator. Try: node dist/cli.js --help`)}\n`);
} finally {
  await emulator.close();
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
