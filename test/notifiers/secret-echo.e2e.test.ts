// Issue 11: secrets echoed back by a server or a program must not reach stdout, stderr (logs at
// trace level included) or the state directory. Runs the built CLI against local services only.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GUARD_MARK, ROOT, sandbox, type Sandbox } from '../cli/run-cli.js';
import { leaks, startEchoServer, type EchoServer } from './echo-server.js';

const EVENTS = path.join(ROOT, 'examples', 'events.ndjson');
const secret = () => randomBytes(20).toString('hex');
const env = { SIEM_TOKEN: secret(), DING_TOKEN: secret(), DING_SECRET: `SEC${secret()}`, EXEC_TOKEN: secret(), LOG_LEVEL: 'trace' };
const SECRETS = [env.SIEM_TOKEN, env.DING_TOKEN, env.DING_SECRET, env.EXEC_TOKEN];

let box: Sandbox;
let srv: EchoServer;
let stateDir: string;

beforeEach(async () => {
  box = await sandbox();
  srv = await startEchoServer();
  stateDir = path.join(box.dir, 'state');
  // Prints everything it was given on stderr (and stdout), then fails.
  const program = path.join(box.dir, 'echo-argv.mjs');
  await writeFile(program, "const a = process.argv.slice(2).join(' ');\nprocess.stdout.write(`out ${a}\\n`);\nprocess.stderr.write(`argv: ${a}\\n`);\nprocess.exit(1);\n");
  const q = JSON.stringify;
  await writeFile(
    path.join(box.dir, 'audit.yaml'),
    [
      `source: { provider: file, path: ${q(EVENTS)} }`,
      'rules:\n  - builtin: root-console-login',
      'notifiers:',
      `  - { name: siem, type: webhook, format: json, url: ${q(srv.url('/ingest'))}, headers: { Authorization: "Bearer \${SIEM_TOKEN}" } }`,
      `  - { name: ding, type: webhook, format: dingtalk, url: ${q(srv.url('/dingtalk/robot/send?access_token=${DING_TOKEN}'))}, secret: "\${DING_SECRET}" }`,
      `  - { name: run, type: exec, command: [${q(process.execPath)}, ${q(program)}, "--token=\${EXEC_TOKEN}", "{{rule.id}}"] }`,
      `state: { dir: ${q(stateDir)} }`,
    ].join('\n') + '\n',
  );
});
afterEach(async () => {
  await srv.close();
  await box.cleanup();
});

/** The request's own derived secrets: DingTalk's per-attempt signature. */
function signatures(): string[] {
  return srv.seen.flatMap((r) => new URL(r.url, 'http://x').searchParams.getAll('sign'));
}

function stateText(dir: string): string {
  let text = '';
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    text += statSync(file).isDirectory() ? stateText(file) : readFileSync(file, 'utf8');
  }
  return text;
}

describe('secrets echoed back never come out (LOG_LEVEL=trace)', () => {
  it.each([
    ['siem', /^failed: siem \(webhook\): HTTP 401: .*"received":"\*\*\*"/m],
    ['ding', /^failed: ding \(webhook\): DingTalk errcode 310000: token invalid for request .*access_token=\*\*\*/m],
    ['run', /^failed: run \(exec\): exit code 1: argv: --token=\*\*\* cloudaudit-watch\.test$/m],
  ])('audit notify test %s', async (name, failure) => {
    const r = await box.run(['notify', 'test', name], { env });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(failure);
    expect(r.stderr).toContain('"level":"debug"'); // the failure is logged too
    expect(r.stderr).not.toContain(GUARD_MARK);
    expect(leaks(r.stdout + r.stderr, [...SECRETS, ...signatures()])).toEqual([]);
  });

  it('audit check: failed deliveries keep masked errors in the outbox', async () => {
    const r = await box.run(['check', '--since', '2026-11-22T00:00:00Z', '--until', '2026-11-23T00:00:00Z'], { env });
    expect(r.code, r.stderr).toBe(1);
    expect(srv.seen.length).toBeGreaterThan(0);
    const state = stateText(stateDir);
    expect(state).toContain('"lastError":"HTTP 401: ');
    expect(state).toContain('--token=***');
    expect(state).toContain('access_token=***');
    expect(leaks(r.stdout + r.stderr + state, [...SECRETS, ...signatures()])).toEqual([]);
  });
});
