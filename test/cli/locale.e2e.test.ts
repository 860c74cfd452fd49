import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import { ROOT, runCli } from './run-cli.js';

const EVENTS = path.join(ROOT, 'examples', 'events.ndjson');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'audit-locale-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const env = (extra: NodeJS.ProcessEnv) => ({ PATH: process.env.PATH, HOME: dir, XDG_STATE_HOME: dir, ...extra });

describe('audit check in the reader\'s language and zone', () => {
  it('LANG=zh_CN and TZ=Asia/Shanghai: Chinese summaries, local times with the zone; JSON stays UTC', async () => {
    const text = await runCli(['check', '--input', EVENTS, '--no-state', '--output', 'text'], { cwd: dir, env: env({ LANG: 'zh_CN.UTF-8', TZ: 'Asia/Shanghai' }) });
    expect(text.code, text.stderr).toBe(0);
    const root = text.stdout.split('\n').find((l) => l.includes('root-console-login'))!;
    expect(root).toMatch(/^2026-11-22 18:00:40 CST {2}严重 {6}root-console-login {6}根账号 root（账号 100012345678）从 198\.51\.100\.7 登录控制台，已使用 MFA$/);

    const json = await runCli(['check', '--input', EVENTS, '--no-state', '--output', 'json'], { cwd: dir, env: env({ LANG: 'zh_CN.UTF-8', TZ: 'Asia/Shanghai' }) });
    const first = JSON.parse(json.stdout.split('\n')[0]);
    expect(first.time).toMatch(/^2026-11-22T\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(first.l10n).toBeUndefined();
  });

  it('the config\'s locale and timezone win over LANG and TZ', async () => {
    const config = path.join(dir, 'audit.yaml');
    writeFileSync(config, 'locale: en\ntimezone: UTC\n');
    const r = await runCli(['check', '--config', config, '--input', EVENTS, '--no-state', '--output', 'text'], { cwd: dir, env: env({ LANG: 'zh_CN.UTF-8', TZ: 'Asia/Shanghai' }) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2026-11-22 10:00:40 UTC  CRITICAL  root-console-login      Root account root (account 100012345678) signed in to the console from 198.51.100.7, with MFA');
  });

  it('an unknown time zone or locale is a config error naming the key', async () => {
    const config = path.join(dir, 'audit.yaml');
    writeFileSync(config, 'timezone: Asia/Shanghia\nnotifiers:\n  - { name: ops, type: stdout, locale: zh }\n');
    const r = await runCli(['config', 'validate', '--config', config], { cwd: dir, env: env({}) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('timezone: unknown time zone');
    expect(r.stderr).toContain('notifiers[0].locale');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('--no-color', () => {
  it('turns colour off in a terminal, as NO_COLOR does', async () => {
    const capture = () => {
      let text = '';
      const s = new Writable({ write: (c, _e, done) => ((text += c.toString()), done()) }) as Writable & { isTTY?: boolean; text(): string };
      s.isTTY = true;
      s.text = () => text;
      return s;
    };
    const io = (stdout: ReturnType<typeof capture>) => ({ stdout, stderr: capture(), stdin: new PassThrough(), env: env({ TZ: 'UTC', LANG: 'C' }), cwd: dir, now: () => new Date('2026-11-23T00:00:00Z') });
    const coloured = capture();
    expect(await run(['check', '--input', EVENTS, '--no-state', '--log-level', 'silent'], io(coloured))).toBe(0);
    expect(coloured.text()).toContain('\x1b[1;31mCRITICAL');
    const plain = capture();
    expect(await run(['check', '--input', EVENTS, '--no-state', '--no-color', '--log-level', 'silent'], io(plain))).toBe(0);
    expect(plain.text()).toContain('CRITICAL');
    expect(plain.text()).not.toContain('\x1b[');
  });
});
