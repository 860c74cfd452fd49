// Config errors through the built CLI: one folder per bad config under test/fixtures/config/.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, spreadEvents, TEST_SECRET_ID, TEST_SECRET_KEY, type Emulator } from '../helpers/emulator/index.js';
import { GUARD_MARK, ROOT, sandbox, stackLines, type Sandbox } from './run-cli.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'config');
const BAD_CASES = readdirSync(FIXTURES).filter((name) => name !== 'valid');

let box: Sandbox;
let emu: Emulator;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  box = await sandbox();
  const now = Date.now();
  emu = await startEmulator({ events: spreadEvents(5, { start: new Date(now - 30 * 60_000), end: new Date(now - 5 * 60_000) }) });
  // What the fixtures' ${VAR}s expand to: a working source, so only each case's mistake can stop it.
  env = { AUDIT_E2E_ENDPOINT: emu.url, AUDIT_E2E_SECRET_ID: TEST_SECRET_ID, AUDIT_E2E_SECRET_KEY: TEST_SECRET_KEY };
});
afterEach(async () => {
  await emu.close();
  await box.cleanup();
});

function expectedLines(name: string): string[] {
  return readFileSync(path.join(FIXTURES, name, 'expected.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

describe('bad config fixtures', () => {
  it('covers the cases the contract names', () => {
    expect(BAD_CASES.length).toBeGreaterThanOrEqual(10);
  });

  it.each(BAD_CASES)('%s: config validate exits 2 with the path-led error; events fails the same way before any API call', async (name) => {
    const file = path.join(FIXTURES, name, 'audit.yaml');
    const validate = await box.run(['config', 'validate', '--config', file], { env });
    expect(validate.code, validate.stderr).toBe(2);
    expect(validate.stdout).toBe('');
    expect(validate.stderr).toMatch(/^audit: .*audit\.yaml: invalid (config|YAML):\n/);
    for (const line of expectedLines(name)) expect(validate.stderr).toContain(line);
    expect(stackLines(validate.stderr)).toEqual([]);
    expect(validate.stderr).not.toContain(TEST_SECRET_KEY);

    const events = await box.run(['events', '--since', '1h', '--config', file], { env });
    expect(events.code).toBe(2);
    expect(events.stdout).toBe('');
    expect(events.stderr).toBe(validate.stderr);
    expect(emu.requests).toHaveLength(0);
  });

  it('the valid sibling of the bad cases does reach the emulator (so "zero requests" above means something)', async () => {
    const file = path.join(FIXTURES, 'valid', 'audit.yaml');
    const validate = await box.run(['config', 'validate', '--config', file], { env });
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toBe(`ok (${file})\n`);
    const events = await box.run(['events', '--since', '1h', '--output', 'json', '--config', file], { env });
    expect(events.code, events.stderr).toBe(0);
    expect(events.stdout.trimEnd().split('\n')).toHaveLength(5);
    expect(emu.served()).toHaveLength(1);
    expect(events.stderr).not.toContain(GUARD_MARK);
  });

  it('a missing --config file is a config error naming the file', async () => {
    const r = await box.run(['config', 'validate', '--config', 'nope.yaml'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`audit: ${path.join(box.dir, 'nope.yaml')}: cannot read config (file not found; found via --config)\n`);
  });
});

describe('config discovery and schema', () => {
  const minimal = (region: string) => `source: { region: ${region} }\n`;

  it('uses --config, else $AUDIT_CONFIG, else ./audit.yaml, else $XDG_CONFIG_HOME/audit/config.yaml, else defaults', async () => {
    const none = await box.run(['config', 'validate']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe('ok (no config file: built-in defaults)\n');

    const xdg = path.join(box.env.XDG_CONFIG_HOME!, 'audit', 'config.yaml');
    await mkdir(path.dirname(xdg), { recursive: true });
    await writeFile(xdg, minimal('ap-beijing'));
    expect((await box.run(['config', 'validate'])).stdout).toBe(`ok (${xdg})\n`);

    const local = path.join(box.dir, 'audit.yaml');
    await writeFile(local, minimal('ap-shanghai'));
    expect((await box.run(['config', 'validate'])).stdout).toBe(`ok (${local})\n`);

    const fromEnv = path.join(box.dir, 'env.yaml');
    await writeFile(fromEnv, minimal('ap-chengdu'));
    expect((await box.run(['config', 'validate'], { env: { AUDIT_CONFIG: fromEnv } })).stdout).toBe(`ok (${fromEnv})\n`);

    const flag = path.join(box.dir, 'flag.yaml');
    await writeFile(flag, minimal('ap-nanjing'));
    expect((await box.run(['config', 'validate', '--config', 'flag.yaml'], { env: { AUDIT_CONFIG: fromEnv } })).stdout).toBe(`ok (${flag})\n`);
  });

  it('config schema prints the JSON Schema of the file', async () => {
    const r = await box.run(['config', 'schema']);
    expect(r.code, r.stderr).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties).sort()).toEqual(['delivery', 'enrich', 'health', 'locale', 'notifiers', 'rules', 'source', 'sources', 'state', 'timezone']);
    expect(schema.additionalProperties).toBe(false);
    expect(JSON.stringify(schema.properties.source)).toContain('"lateness"');
    // The descriptions editors show on hover survive the bundle (test/config/schema-descriptions checks them all).
    expect(schema.properties.delivery.properties.budget.description).toMatch(/outbox/);
  });
});
