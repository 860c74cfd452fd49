// `audit rules ...` and `audit notify test` through the built CLI; webhooks go to a real local receiver.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_PACKS } from '../../src/rules/builtin/index.js';
import { jsonLines } from '../helpers/cli.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { GUARD_MARK, ROOT, sandbox, stackLines, type Sandbox } from './run-cli.js';

const EVENTS = path.join(ROOT, 'examples', 'events.ndjson');

let box: Sandbox;
beforeEach(async () => {
  box = await sandbox();
});
afterEach(() => box.cleanup());

describe('audit rules', () => {
  it('list: a table of the built-in rules when no config exists (NDJSON in a pipe)', async () => {
    const json = await box.run(['rules', 'list']);
    expect(json.code, json.stderr).toBe(0);
    expect(jsonLines(json.stdout).map((r) => r.id)).toEqual([...BUILTIN_PACKS.recommended]);
    const r = await box.run(['rules', 'list', '--output', 'text']);
    expect(r.code, r.stderr).toBe(0);
    // The table, then a line on how to turn on each built-in that is off by default.
    const [table, ...footer] = r.stdout.trimEnd().split('\n\n');
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^ID\s+TITLE\s+TYPE\s+SEVERITY\s+ORIGIN\s+ENABLED$/);
    const ids = lines.slice(1).map((l) => l.split(/\s+/)[0]);
    expect(ids).toEqual([...BUILTIN_PACKS.recommended]);
    const severityAt = lines[0].indexOf('SEVERITY');
    for (const line of lines.slice(1)) {
      expect(line.slice(severityAt)).toMatch(/^(critical|high|medium|low|info)\s+builtin\s+(yes|no)$/);
    }
    expect(lines.filter((l) => l.endsWith(' no')).map((l) => l.split(/\s+/)[0]).sort()).toEqual(['impossible-travel', 'trail-silent']);
    expect(lines.find((l) => l.startsWith('impossible-travel '))).toContain('off: needs enrich.geoip');
    expect(footer.join('\n')).toContain('trail-silent is off. To enable it, add to rules: - { id: trail-silent, enabled: true, window: 30m }');
    expect(lines.find((l) => l.startsWith('root-console-login '))).toMatch(/critical\s+builtin\s+yes/);
  });

  it('list: follows the config (disabled built-ins stay listed as disabled)', async () => {
    await writeFile(
      path.join(box.dir, 'audit.yaml'),
      'rules:\n  - builtin: recommended\n  - { id: sensitive-operation, enabled: false }\n  - id: mine\n    severity: low\n    when: { name: DeleteBucket }\n',
    );
    const r = await box.run(['rules', 'list', '--output', 'text']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sensitive-operation\s+Sensitive operation\s+event\s+medium\s+builtin\s+no$/m);
    expect(r.stdout).toMatch(/^mine\s+mine\s+event\s+low\s+inline\s+yes$/m);
  });

  it('validate: a broken rule file gives file:line:column and exits 2', async () => {
    await writeFile(path.join(box.dir, 'ok.yaml'), '- id: fine\n  when: { name: DeleteBucket }\n');
    await writeFile(path.join(box.dir, 'broken.yaml'), '- id: office\n  when: { sourceIp: { cidr: 10.0.0.0/33 } }\n- id: slow\n  when: {}\n  window: 5 minutes\n  count: { gte: 2 }\n');
    const r = await box.run(['rules', 'validate', 'ok.yaml', 'broken.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('broken.yaml:2:29: rules[0].when.sourceIp.cidr: invalid CIDR "10.0.0.0/33"');
    expect(r.stderr).toContain('broken.yaml:5:11: rules[1].window: invalid duration "5 minutes"');
    expect(r.stderr).toContain('2 problems found');
    expect(stackLines(r.stderr)).toEqual([]);

    const ok = await box.run(['rules', 'validate', 'ok.yaml']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('ok\n');
  });

  // Judged from the first event to the last: the burst in the middle alerts (issue: it used to raise 0).
  const testArgs = ['rules', 'test', 'builtin:recommended', '--events', EVENTS];

  it('test: the recommended pack on the sample events raises the burst and the root logins', async () => {
    const r = await box.run([...testArgs, '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rules = jsonLines<{ id: string; matched: string[]; alerts: { rule: { id: string }; event: { id: string } }[] }>(r.stdout);
    const byId = new Map(rules.map((x) => [x.id, x]));
    // A built-in that is off by default (trail-silent) is not run.
    expect([...byId.keys()]).toEqual(BUILTIN_PACKS.recommended.filter((id) => id !== 'trail-silent'));
    const burst = byId.get('access-denied-burst')!;
    expect(burst.alerts).toHaveLength(1);
    expect(burst.matched.length).toBeGreaterThanOrEqual(20);
    const logins = byId.get('root-console-login')!;
    expect(logins.alerts.map((a) => a.event.id)).toEqual(['99f3f310-46d1-4deb-a4c2-db0f34668d5d', 'a44fa33b-28f2-4ff9-a21a-9399580e4c2e']);
    expect(logins.alerts.every((a) => a.rule.id === 'root-console-login')).toBe(true);
    expect(byId.get('root-api-usage')!.alerts).toEqual([]);
  });

  it('test --expect: met expectations exit 0, a mismatch exits 1 and names the difference', async () => {
    await writeFile(path.join(box.dir, 'good.yaml'), 'access-denied-burst: 1\nroot-console-login: 2\nroot-api-usage: 0\n');
    const good = await box.run([...testArgs, '--expect', 'good.yaml', '--output', 'text']);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toContain('expectations met');

    await writeFile(path.join(box.dir, 'bad.yaml'), 'access-denied-burst: 3\nroot-console-login: 2\n');
    const bad = await box.run([...testArgs, '--expect', 'bad.yaml', '--output', 'json']);
    expect(bad.code).toBe(1);
    expect(jsonLines(bad.stdout).at(-1).expectations).toEqual({ ok: false, differences: ['access-denied-burst: expected 3 alerts, got 1'] });
  });

  it('test: an invalid rule file is a rule error, exit 2', async () => {
    await writeFile(path.join(box.dir, 'bad-rule.yaml'), '- id: x\n  when: { sourceIp: { cidr: 1.2.3.4/40 } }\n');
    const r = await box.run(['rules', 'test', 'bad-rule.yaml', '--events', EVENTS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad-rule.yaml:2:29: rules[0].when.sourceIp.cidr: invalid CIDR "1.2.3.4/40"');
    expect(stackLines(r.stderr)).toEqual([]);
  });
});

describe('audit notify test', () => {
  const DING_SECRET = 'SEC-dingtalk-signing-secret-NOT-TO-BE-PRINTED';
  const DING_TOKEN = 'access-token-NOT-TO-BE-PRINTED';
  let rx: Receiver;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    rx = await startReceiver({ dingtalkSecret: DING_SECRET });
    env = { DING_SECRET, DING_URL: rx.url(`/dingtalk/robot/send?access_token=${DING_TOKEN}`) };
    await writeFile(
      path.join(box.dir, 'audit.yaml'),
      [
        'notifiers:',
        '  - { name: console, type: stdout }',
        `  - { name: hook, type: webhook, format: json, url: "${rx.url('/hooks/audit')}", minSeverity: critical }`,
        '  - { name: ding, type: webhook, format: dingtalk, url: "${DING_URL}", secret: "${DING_SECRET}" }',
      ].join('\n') + '\n',
    );
  });
  afterEach(() => rx.close());

  function expectNoSecrets(r: { stdout: string; stderr: string }) {
    for (const s of [DING_SECRET, DING_TOKEN]) {
      expect(r.stdout).not.toContain(s);
      expect(r.stderr).not.toContain(s);
    }
    expect(r.stderr).not.toContain(GUARD_MARK);
  }

  it('json webhook: sends one marked sample alert, prints delivered, exit 0', async () => {
    const r = await box.run(['notify', 'test', 'hook'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('delivered\n');
    expect(rx.requests).toHaveLength(1);
    expect(rx.requests[0].problems).toEqual([]);
    expect(rx.requests[0].path).toBe('/hooks/audit');
    expect(rx.requests[0].body.rule.title).toContain('[TEST]');
  });

  it('dingtalk webhook: signed, accepted, delivered; no token or secret in any output', async () => {
    const r = await box.run(['notify', 'test', 'ding', '--log-level', 'trace'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('delivered\n');
    expect(rx.requests).toHaveLength(1);
    expect(rx.requests[0].problems).toEqual([]);
    expect(rx.requests[0].body.markdown.title).toContain('[TEST]');
    expectNoSecrets(r);
  });

  it('a DingTalk answer with errcode != 0 exits 1 with its message', async () => {
    rx.script({ status: 200, body: { errcode: 310000, errmsg: 'keywords not in content' } });
    const r = await box.run(['notify', 'test', 'ding', '--log-level', 'trace'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^failed: ding \(webhook\): .*errcode 310000.*keywords not in content/m);
    expect(stackLines(r.stderr)).toEqual([]);
    expect(rx.requests).toHaveLength(1); // a rejected message is not retried
    expectNoSecrets(r);
  });

  it('an unknown notifier name exits 2 and lists the configured ones', async () => {
    const r = await box.run(['notify', 'test', 'pager'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('audit: unknown notifier "pager" (configured: console, hook, ding)\n');
    expect(rx.requests).toHaveLength(0);
  });
});
