// Sigma rules through the built CLI: `audit rules validate` on Sigma files, `sigma:` in the config.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonLines } from '../helpers/cli.js';
import { ROOT, sandbox, stackLines, type Sandbox } from './run-cli.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'sigma');

let box: Sandbox;
beforeEach(async () => {
  box = await sandbox();
});
afterEach(() => box.cleanup());

describe('audit rules validate: Sigma files', () => {
  it('exits 2 naming the line, the column and the unsupported feature', async () => {
    const r = await box.run(['rules', 'validate', 'test/fixtures/sigma/bad.yml'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^test\/fixtures\/sigma\/bad\.yml:8:5: .*modifier "base64offset" is not supported/m);
    expect(r.stderr).toMatch(/^test\/fixtures\/sigma\/bad\.yml:18:24: .*aggregation expressions \("\| count\(\) \.\.\."\) are not supported/m);
    expect(r.stderr).toMatch(/^test\/fixtures\/sigma\/bad\.yml:23:9: .*correlation type "temporal" is not supported/m);
    expect(r.stderr).toMatch(/^3 problems found$/m);
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('accepts valid Sigma files, a correlation naming a rule of another file', async () => {
    const files = ['cloud-root-login.yml', 'cloud-trail-tampering.yml', 'cloud-failed-logins.yml', 'cloud-key-spray.yml'];
    const r = await box.run(['rules', 'validate', ...files], { cwd: FIXTURES });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('ok\n');
  });
});

describe('rules: - sigma: <glob>', () => {
  it('lists the translated rules with their type and file', async () => {
    await writeFile(path.join(box.dir, 'audit.yaml'), `rules:\n  - sigma: ${JSON.stringify(path.join(FIXTURES, 'cloud-*.yml'))}\n`);
    const r = await box.run(['rules', 'list', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).map((x) => [x.id, x.type, x.window, x.severity])).toEqual([
      ['failed-console-login', 'event', null, 'low'],
      ['failed-console-login-burst', 'count', '10m', 'high'],
      ['key-from-many-ips', 'distinct', '1h', 'medium'],
      ['cloud-root-console-login', 'event', null, 'critical'],
      ['cloud-trail-tampering', 'event', null, 'high'],
    ]);
  });

  it('a config naming a bad Sigma file is a config error at its line', async () => {
    await writeFile(path.join(box.dir, 'audit.yaml'), `rules:\n  - sigma: ${JSON.stringify(path.join(FIXTURES, 'bad.yml'))}\n`);
    const r = await box.run(['rules', 'validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yml:8:5: .*modifier "base64offset" is not supported/);
    expect(stackLines(r.stderr)).toEqual([]);
  });
});
