// `audit check` over several Tencent accounts, end to end: the built CLI, the real SDK's STS and
// CloudAudit clients, the emulator checking every signature. Also: state written before accounts
// were part of partition names carries over.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveStateDir, STATE_FILE } from '../../src/state/index.js';
import { jsonLines } from '../helpers/cli.js';
import { makeEvent, startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY, type Emulator } from '../helpers/emulator/index.js';
import { writeEmulatorConfig } from './emulator-config.js';
import { GUARD_MARK, stackLines, sandbox, type Sandbox } from './run-cli.js';

const OWN = '100000000001';
const PROD = '100000000002';
const TEST = '100000000003';
const arn = (account: string) => `qcs::cam::uin/${account}:roleName/AuditReader`;
const EXTERNAL_ID = 'ext-7f3a9c21';
const MINUTE = 60_000;
const ROOT_ONLY = 'rules:\n  - builtin: root-console-login\n';

let box: Sandbox;
let emu: Emulator | undefined;
beforeEach(async () => {
  box = await sandbox();
});
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  await box.cleanup();
});

const rootLogin = (account: string, time: Date) => makeEvent({ name: 'ConsoleLogin', time, accountId: account });

/** Every file under the state directory, as text: secrets must not be kept there either. */
async function stateText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  return (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n');
}

function stateFileOf(config: string): string {
  return path.join(resolveStateDir({ configuredDir: path.join(box.dir, 'state'), configPath: config, env: {}, cwd: box.dir }), STATE_FILE);
}

describe('audit check: several accounts', () => {
  it("a role that is denied fails its own account only: the others' alerts go out, exit 1, no secret anywhere", async () => {
    const now = Date.now();
    emu = await startEmulator({
      events: [rootLogin(OWN, new Date(now - 5 * MINUTE)), rootLogin(PROD, new Date(now - 4 * MINUTE)), rootLogin(TEST, new Date(now - 3 * MINUTE))],
      accounts: { [TEST_SECRET_ID]: OWN },
      roles: [
        { roleArn: arn(PROD), account: PROD, externalId: EXTERNAL_ID, trusted: [OWN] },
        { roleArn: arn(TEST), account: TEST, allow: false },
      ],
    });
    const config = await writeEmulatorConfig(box.dir, {
      endpoint: emu.url,
      source: [`accounts: [{ id: "${PROD}", roleArn: "${arn(PROD)}", externalId: ${EXTERNAL_ID} }, { id: "${TEST}", roleArn: "${arn(TEST)}" }]`],
      rest: ROOT_ONLY,
    });
    const r = await box.run(['check', '--output', 'json', '--config', config]);
    expect(r.code, r.stderr).toBe(1);
    const alerts = jsonLines(r.stdout);
    // Each alert says which account it is about.
    for (const a of alerts) expect(a.summary).toContain(a.event.account);
    expect(alerts.map((a) => [a.rule.id, a.event.account]).sort()).toEqual([
      ['root-console-login', OWN],
      ['root-console-login', PROD],
    ]);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^audit: accounts\[1\]: AssumeRole denied: AuthFailure\.UnauthorizedOperation: /);
    expect(stackLines(r.stderr)).toEqual([]);
    // The denied account's partition is the one the log names as failed.
    expect(r.stderr).toContain(`"partition":"tencentcloud/${TEST}/ap-guangzhou"`);
    expect(emu.stsRequests.map((q) => [q.action, q.errorCode])).toEqual([
      ['GetCallerIdentity', null],
      ['AssumeRole', null],
      ['AssumeRole', 'AuthFailure.UnauthorizedOperation'],
    ]);
    expect(emu.requests.map((q) => q.account)).toEqual([OWN, PROD]);

    const checkpoints = JSON.parse(await readFile(stateFileOf(config), 'utf8')).checkpoints.map(([p]: [string]) => p);
    expect(checkpoints).toContain(`tencentcloud/${PROD}/ap-guangzhou`);
    expect(checkpoints).not.toContain(`tencentcloud/${TEST}/ap-guangzhou`); // no checkpoint for the failed partition
    // Again at the most verbose level: the same failure, and still no key, temporary or not, in any output.
    const traced = await box.run(['check', '--output', 'json', '--log-level', 'trace', '--config', config]);
    expect(traced.code).toBe(1);
    expect(traced.stdout).toBe(''); // raised once, by the first run
    expect(traced.stderr).toContain('"msg":"assumed role"');
    expect(emu.issued).toHaveLength(2);
    const everything = r.stdout + r.stderr + traced.stdout + traced.stderr + (await stateText(path.dirname(stateFileOf(config))));
    for (const secret of [TEST_SECRET_KEY, ...emu.issued.flatMap((k) => [k.secretKey, k.token])]) expect(everything).not.toContain(secret);
    expect(everything).not.toContain(GUARD_MARK);
  });

  it('state from before accounts carries over: its checkpoint is resumed, nothing raised twice, nothing skipped', async () => {
    const now = Date.now();
    const before = rootLogin(OWN, new Date(now - 125 * MINUTE));
    emu = await startEmulator({ events: [before] });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url, rest: ROOT_ONLY });
    // The last run of the old layout ended two hours ago.
    const first = await box.run(['check', '--until', '2h', '--output', 'json', '--config', config]);
    expect(first.code, first.stderr).toBe(0);
    expect(jsonLines(first.stdout).map((a) => a.event.id)).toEqual([before.EventId]);

    const file = stateFileOf(config);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved.checkpoints.map(([p]: [string]) => p)).toEqual([`tencentcloud/${OWN}/ap-guangzhou`]);
    const checkpoint = Date.parse(saved.checkpoints[0][1]);
    saved.checkpoints = [['tencentcloud/ap-guangzhou', saved.checkpoints[0][1]]];
    await writeFile(file, JSON.stringify(saved));

    // One event an hour ago, past the 15 minutes a partition without a checkpoint would read; one just now.
    const meanwhile = rootLogin(OWN, new Date(now - 60 * MINUTE));
    const latest = rootLogin(OWN, new Date(now - 2 * MINUTE));
    emu.addEvents([meanwhile, latest]);
    const asked = emu.requests.length;
    const second = await box.run(['check', '--output', 'json', '--config', config]);
    expect(second.code, second.stderr).toBe(0);
    expect(jsonLines(second.stdout).map((a) => a.event.id).sort()).toEqual([meanwhile.EventId, latest.EventId].sort());
    // Resumed from the old checkpoint, less the default 15 minutes of lateness.
    expect(emu.requests[asked].params.StartTime).toBe(Math.ceil((checkpoint - 15 * MINUTE) / 1000));

    const upgraded = JSON.parse(await readFile(file, 'utf8'));
    expect(Date.parse(Object.fromEntries(upgraded.checkpoints)[`tencentcloud/${OWN}/ap-guangzhou`])).toBeGreaterThan(now);
    const third = await box.run(['check', '--output', 'json', '--config', config]);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toBe('');
  });
});
