// Sigma correlations become count and distinct windows; `sigma:` entries load them like rule
// files; `audit rules validate` reads Sigma files too. Fixtures: test/fixtures/sigma/.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rulesValidate } from '../../src/cli/commands/rules.js';
import { isAuditError, type AuditError } from '../../src/errors.js';
import type { AuditEvent } from '../../src/events/index.js';
import { compileRules, type LoadedRule } from '../../src/rules/compile.js';
import { rulesConfigSchema } from '../../src/rules/config.js';
import { createEngine } from '../../src/rules/engine.js';
import { loadRules } from '../../src/rules/load.js';
import { readSigmaFiles } from '../../src/rules/sigma/index.js';
import { ruleTypeOf } from '../../src/rules/types/index.js';
import { at, ev } from './helpers.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/sigma');

async function sigmaRules(...names: string[]) {
  const results = await readSigmaFiles(names.map((name) => ({ file: path.join(FIXTURES, name), display: name })));
  expect(results.flatMap((r) => r.result.issues)).toEqual([]);
  return results.flatMap((r) => r.result.rules.map(({ rule }) => rule));
}

function alertsOf(rules: LoadedRule[], events: AuditEvent[]) {
  const engine = createEngine(compileRules(rules), { now: () => new Date('2030-01-01T00:00:00Z') });
  return [...events.flatMap((e) => engine.push(e)), ...engine.finish()].map((a) => ({ rule: a.rule.id, count: a.count, group: a.group }));
}

const failedLogin = (seconds: number, user: string, ip = '203.0.113.7') =>
  ev({ time: at(seconds), name: 'ConsoleLogin', sourceIp: ip, error: { code: 'Failed', message: 'Failed authentication' }, raw: { userIdentity: { userName: user } } });

describe('Sigma correlations', () => {
  it('event_count is a count window over the rules it names, which then do not alert alone', async () => {
    const rules = await sigmaRules('cloud-failed-logins.yml');
    expect(rules).toEqual([
      {
        id: 'failed-console-login-burst',
        title: 'Many failed console sign-ins by one user',
        severity: 'high',
        description: 'Sigma id: 9a2c4e6f-1b3d-4f5a-8c7e-0d2f4b6a8c44',
        when: { name: { eq: 'ConsoleLogin', ignoreCase: true }, 'error.message': { contains: 'Failed authentication', ignoreCase: true } },
        window: 600_000,
        groupBy: ['raw.userIdentity.userName'],
        count: { gte: 3 },
      },
    ]);
    const loaded = rules.map((r) => ({ ...r, title: r.title!, severity: r.severity!, enabled: true, origin: 'x' }));
    expect(alertsOf(loaded, [failedLogin(0, 'bob'), failedLogin(60, 'bob'), failedLogin(120, 'amy'), failedLogin(180, 'bob')])).toEqual([
      { rule: 'failed-console-login-burst', count: 3, group: { 'raw.userIdentity.userName': 'bob' } },
    ]);
    // Three failures, but 11 minutes apart from first to last: never three in one window.
    expect(alertsOf(loaded, [failedLogin(0, 'bob'), failedLogin(300, 'bob'), failedLogin(660, 'bob')])).toEqual([]);
  });

  it('value_count is a distinct window; gt N is gte N + 1; generate: true keeps the rule it names', async () => {
    const rules = await sigmaRules('cloud-failed-logins.yml', 'cloud-key-spray.yml');
    expect(rules.map((r) => r.id)).toEqual(['failed-console-login', 'failed-console-login-burst', 'key-from-many-ips']);
    expect(rules[2]).toMatchObject({ window: 3_600_000, groupBy: ['raw.userIdentity.userName'], distinct: { field: 'sourceIp', gte: 3 } });
    const spray = rules.slice(2).map((r) => ({ ...r, title: r.title!, severity: r.severity!, enabled: true, origin: 'x' }));
    const ips = (user: string, n: number) => Array.from({ length: n }, (_, i) => failedLogin(i * 60, user, `198.51.100.${i + 1}`));
    expect(alertsOf(spray, ips('bob', 3))).toEqual([{ rule: 'key-from-many-ips', count: 3, group: { 'raw.userIdentity.userName': 'bob' } }]);
    expect(alertsOf(spray, [...ips('bob', 2), ...ips('amy', 2)])).toEqual([]);
  });
});

describe('rules: - sigma: <glob>', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigma-load-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const loadError = (items: unknown[], baseDir = FIXTURES) =>
    loadRules(items, { baseDir }).then(
      () => expect.unreachable('loaded'),
      (err: unknown) => {
        expect(isAuditError(err, 'E_RULE'), String(err)).toBe(true);
        return (err as AuditError).issues;
      },
    );

  it('is an entry of its own in the rules list', () => {
    expect(rulesConfigSchema.parse([{ sigma: 'rules/sigma/*.yml' }])).toEqual([{ kind: 'sigma', sigma: 'rules/sigma/*.yml' }]);
    const result = rulesConfigSchema.safeParse([{ sigma: '' }, { sigma: 'a.yml', file: 'b.yaml' }, { sigma: 'a.yml', level: 'high' }]);
    expect(result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      '0.sigma: Too small: expected string to have >=1 characters',
      '1.sigma: unknown key "sigma"',
      '2.level: unknown key "level"',
    ]);
  });

  it('loads every file of the glob, relative to the config, with the file as origin', async () => {
    const rules = await loadRules([{ builtin: 'audit-tampering' }, { sigma: 'cloud-*.yml' }], { baseDir: FIXTURES });
    expect(rules.map((r) => [r.id, ruleTypeOf(r).type, r.severity, r.origin])).toEqual([
      ['audit-tampering', 'event', 'critical', 'builtin'],
      ['failed-console-login', 'event', 'low', 'cloud-failed-logins.yml'],
      ['failed-console-login-burst', 'count', 'high', 'cloud-failed-logins.yml'],
      ['key-from-many-ips', 'distinct', 'medium', 'cloud-key-spray.yml'],
      ['cloud-root-console-login', 'event', 'critical', 'cloud-root-login.yml'],
      ['cloud-trail-tampering', 'event', 'high', 'cloud-trail-tampering.yml'],
    ]);
    const alerts = alertsOf(rules, [
      ev({ name: 'ConsoleLogin', actor: { type: 'Root' }, sourceIp: '203.0.113.9' }),
      ev({ name: 'ConsoleLogin', actor: { type: 'root-account' }, sourceIp: '192.0.2.10' }),
      ev({ name: 'StopLogging', raw: { eventSource: 'cloudtrail.amazonaws.com' } }),
      ev({ name: 'DeleteAuditTrack' }),
    ]);
    // The root sign-in from the office range (192.0.2.0/24) is left out by the rule's `not office`.
    expect(alerts.map((a) => a.rule)).toEqual(['cloud-root-console-login', 'audit-tampering', 'cloud-trail-tampering', 'audit-tampering', 'cloud-trail-tampering']);
  });

  it('reports unsupported features with file:line:column, a glob matching nothing, and native rule files', async () => {
    expect(await loadError([{ sigma: 'bad.yml' }])).toEqual([
      expect.stringMatching(/^bad\.yml:8:5: .*modifier "base64offset" is not supported/),
      expect.stringMatching(/^bad\.yml:18:24: .*aggregation expressions/),
      expect.stringMatching(/^bad\.yml:23:9: .*correlation type "temporal" is not supported/),
    ]);
    expect(await loadError([{ sigma: 'nothing-*.yml' }])).toEqual(['rules[0].sigma: no Sigma rule files match "nothing-*.yml"']);
    await writeFile(path.join(dir, 'native.yaml'), '- id: a\n  when: { name: A }\n');
    expect(await loadError([{ sigma: '*.yaml' }], dir)).toEqual(['native.yaml:1:1: expected a Sigma rule: a map with title, id, detection or correlation, ...']);
  });

  it('rules of two files may not share an id', async () => {
    await writeFile(path.join(dir, 'a.yml'), 'title: A\nname: same\ndetection: { sel: { eventName: A }, condition: sel }\n');
    await writeFile(path.join(dir, 'b.yml'), 'title: B\nname: same\ndetection: { sel: { eventName: B }, condition: sel }\n');
    expect(await loadError([{ sigma: '*.yml' }], dir)).toEqual(['duplicate rule id "same" (in b.yml, first in a.yml)']);
  });
});

describe('audit rules validate with Sigma files', () => {
  function sink() {
    let text = '';
    const stream = new Writable({ write: (chunk, _enc, cb) => void ((text += String(chunk)), cb()) });
    return { stream, text: () => text };
  }

  it('tells Sigma files by their content and reads them together with native rule files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sigma-validate-'));
    try {
      await writeFile(path.join(dir, 'native.yaml'), '- id: native-rule\n  when: { name: A }\n');
      const [out, err] = [sink(), sink()];
      const io = { stdout: out.stream, stderr: err.stream, cwd: FIXTURES };
      const files = ['cloud-root-login.yml', 'cloud-failed-logins.yml', 'cloud-key-spray.yml', path.join(dir, 'native.yaml')];
      expect(await rulesValidate(files, io), err.text()).toBe(0);
      expect(out.text()).toBe('ok\n');

      // Alone, the correlation names a rule no file given defines.
      expect(await rulesValidate(['cloud-key-spray.yml', 'bad.yml'], io)).toBe(2);
      expect(err.text().split('\n')).toEqual([
        'cloud-key-spray.yml:9:7: correlation.rules[0]: no Sigma rule has the id or name "failed_console_login"',
        expect.stringMatching(/^bad\.yml:8:5: detection\.selection\["requestParameters\.command\|base64offset\|contains"\]: modifier "base64offset" is not supported/),
        'bad.yml:18:24: detection.condition: aggregation expressions ("| count() ...") are not supported; write a correlation rule (event_count, value_count)',
        'bad.yml:23:9: correlation.type: correlation type "temporal" is not supported (supported: event_count, value_count)',
        '4 problems found',
        '',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
