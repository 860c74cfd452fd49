// --profile and TENCENTCLOUD_PROFILE pick a section of ~/.tencentcloud/credentials (HOME is the sandbox's).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeEvent, startEmulator, type Emulator } from '../helpers/emulator/index.js';
import { writeEmulatorConfig } from './emulator-config.js';
import { GUARD_MARK, ndjson, sandbox, stackLines, type CliResult, type Sandbox } from './run-cli.js';

// Test-only keys: the emulator knows prod's alone, so a run that used [default] is refused.
const PROD_ID = 'AKIDPRODPROFILE00000000000000000000';
const PROD_KEY = 'prod-profile-secret-MUST-NOT-BE-PRINTED';
const DEFAULT_ID = 'AKIDDEFAULTPROFILE000000000000000000';
const DEFAULT_KEY = 'default-profile-secret-MUST-NOT-BE-PRINTED';

let box: Sandbox;
let emu: Emulator;
let config: string;
let credentialsFile: string;
beforeEach(async () => {
  box = await sandbox();
  const now = Date.now();
  emu = await startEmulator({
    credentials: { [PROD_ID]: PROD_KEY },
    events: [makeEvent({ name: 'ConsoleLogin', time: new Date(now - 20 * 60_000) }), makeEvent({ name: 'DeleteBucket', time: new Date(now - 10 * 60_000) })],
  });
  const dir = path.join(box.env.HOME!, '.tencentcloud');
  await mkdir(dir, { recursive: true });
  credentialsFile = path.join(dir, 'credentials');
  await writeFile(credentialsFile, `[default]\nsecret_id = ${DEFAULT_ID}\nsecret_key = ${DEFAULT_KEY}\n\n[prod]\nsecret_id = ${PROD_ID}\nsecret_key = ${PROD_KEY}\n`);
  // credentials: auto (the default), so the keys come from the file.
  config = path.join(box.dir, 'audit.yaml');
  await writeFile(config, `source:\n  region: ap-guangzhou\n  endpoint: ${emu.url}\nstate: { dir: ${JSON.stringify(path.join(box.dir, 'state'))} }\n`);
});
afterEach(async () => {
  await emu.close();
  await box.cleanup();
});

function expectNoSecrets(r: CliResult) {
  for (const s of [PROD_KEY, DEFAULT_KEY]) expect(r.stdout + r.stderr).not.toContain(s);
  expect(r.stderr).not.toContain(GUARD_MARK);
}

describe('audit events --profile', () => {
  it('--profile prod signs with the [prod] keys, and logs none of them even at trace level', async () => {
    const r = await box.run(['events', '--since', '1h', '--profile', 'prod', '--output', 'json', '--config', config, '--log-level', 'trace']);
    expect(r.code, r.stderr).toBe(0);
    expect(ndjson(r.stdout).map((e: any) => e.name)).toEqual(['ConsoleLogin', 'DeleteBucket']);
    expect(emu.requests.map((q) => [q.secretId, q.errorCode])).toEqual([[PROD_ID, null]]);
    expect(r.stderr).toContain('"credentials":"profile:prod"');
    expectNoSecrets(r);
  });

  it('without it the [default] keys are used (and refused here), so the section really is what picks the key', async () => {
    const r = await box.run(['events', '--since', '1h', '--config', config]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('AuthFailure.SecretIdNotFound');
    expectNoSecrets(r);
  });

  it('TENCENTCLOUD_PROFILE picks the section too; --profile wins over it', async () => {
    const viaEnv = await box.run(['events', '--since', '1h', '--output', 'json', '--config', config], { env: { TENCENTCLOUD_PROFILE: 'prod' } });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(ndjson(viaEnv.stdout)).toHaveLength(2);
    const both = await box.run(['events', '--since', '1h', '--profile', 'prod', '--output', 'json', '--config', config], { env: { TENCENTCLOUD_PROFILE: 'nonesuch' } });
    expect(both.code, both.stderr).toBe(0);
    expect(emu.requests.map((q) => q.secretId)).toEqual([PROD_ID, PROD_ID]);
    expectNoSecrets(viaEnv);
  });

  it('an unknown profile exits 2 with one line naming it and the file, before any API call', async () => {
    const r = await box.run(['events', '--since', '1h', '--profile', 'staging', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`audit: profile "staging": no [staging] section in ${credentialsFile} (it has [default], [prod])\n`);
    expect(stackLines(r.stderr)).toEqual([]);
    expect(emu.requests).toHaveLength(0);

    const viaEnv = await box.run(['events', '--since', '1h', '--config', config], { env: { TENCENTCLOUD_PROFILE: 'stagng' } });
    expect(viaEnv.code).toBe(2);
    expect(viaEnv.stderr).toContain('profile "stagng" (from TENCENTCLOUD_PROFILE): no [stagng] section in');
    expectNoSecrets(r);
    expectNoSecrets(viaEnv);
  });

  it('--profile with keys written in the config is a usage error, not a silent choice of one', async () => {
    const explicit = await writeEmulatorConfig(box.dir, { endpoint: emu.url, secretId: PROD_ID, secretKey: PROD_KEY });
    const r = await box.run(['events', '--since', '1h', '--profile', 'prod', '--config', explicit]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--profile: source.credentials is keys in the config; --profile needs credentials: auto or profile');
    expect(emu.requests).toHaveLength(0);
    expectNoSecrets(r);
  });

  it('check takes --profile the same way', async () => {
    const r = await box.run(['check', '--since', '1h', '--no-state', '--profile', 'prod', '--output', 'json', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    expect(emu.requests.length).toBeGreaterThan(0);
    expect(emu.requests.every((q) => q.secretId === PROD_ID && q.errorCode === null)).toBe(true);
    expectNoSecrets(r);
  });
});
