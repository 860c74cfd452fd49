import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rulesList, rulesValidate } from '../../src/cli/commands/rules.js';
import { rulesTest } from '../../src/cli/commands/rules-test.js';
import { isAuditError } from '../../src/errors.js';
import type { AuditEvent } from '../../src/events/index.js';
import { loadRules } from '../../src/rules/load.js';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

let dir: string;
let out: ReturnType<typeof sink>;
let err: ReturnType<typeof sink>;
const io = () => ({ stdout: out.stream, stderr: err.stream, cwd: dir });

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rules-cli-'));
  out = sink();
  err = sink();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Events as the NDJSON file `rules test --events` reads. */
async function from(items: unknown[]): Promise<string> {
  const file = path.join(dir, `events-${Math.random().toString(36).slice(2)}.ndjson`);
  await writeFile(file, items.map((e) => JSON.stringify(e)).join('\n'));
  return file;
}

const FIXTURES = path.resolve(__dirname, '../fixtures/rules');
async function fixtureEvents(name: string): Promise<{ events: AuditEvent[]; since?: string; until?: string }> {
  const data = JSON.parse(await readFile(path.join(FIXTURES, name, 'events.json'), 'utf8'));
  return Array.isArray(data) ? { events: data } : data;
}

describe('rulesList', () => {
  it('prints id, title, type, severity, origin and enabled for every rule', async () => {
    await writeFile(path.join(dir, 'mine.yaml'), '- id: mine\n  when: {}\n  severity: low\n');
    const loaded = await loadRules(
      [{ builtin: 'root-console-login' }, { builtin: 'failed-calls-spike' }, { file: 'mine.yaml' }, { id: 'resource-deletion', enabled: false }],
      { baseDir: dir },
    );
    expect(await rulesList(loaded, io())).toBe(0);
    expect(out.text().split('\n')).toEqual([
      'ID                  TITLE                                  TYPE               SEVERITY  ORIGIN     ENABLED',
      'root-console-login  Root account signed in to the console  event              critical  builtin    yes',
      'failed-calls-spike  Failed API calls spiked                spike (5m window)  medium    builtin    yes',
      'mine                mine                                   event              low       mine.yaml  yes',
      'resource-deletion   Resource deleted                       event              high      builtin    no',
      '',
    ]);
  });

  it('says how to turn on a built-in that is off by default', async () => {
    const loaded = await loadRules([{ builtin: 'recommended' }], { baseDir: dir });
    expect(await rulesList(loaded, io())).toBe(0);
    expect(out.text()).toMatch(/^trail-silent +The audit trail went quiet +flatline \(30m window\) +high +builtin +no$/m);
    expect(out.text()).toContain('trail-silent is off. To enable it, add to rules: - { id: trail-silent, enabled: true, window: 30m }');
  });

  it('--output json: one line per rule', async () => {
    const loaded = await loadRules([{ builtin: 'failed-calls-spike' }], { baseDir: dir });
    expect(await rulesList(loaded, io(), 'json')).toBe(0);
    expect(out.text().trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { id: 'failed-calls-spike', title: 'Failed API calls spiked', type: 'spike', window: '5m', severity: 'medium', origin: 'builtin', enabled: true, notify: null },
    ]);
  });
});

describe('rulesValidate', () => {
  const broken = [
    '- id: fine', //                                   1
    '  when: { name: A }', //                          2
    '- id: bad-cidr', //                               3
    '  when:', //                                      4
    '    sourceIp: { cidr: 10.0.0.0/33 }', //          5
    '- id: bad-op', //                                 6
    '  when: { name: { like: A } }', //                7
    '- id: bad-regex', //                              8
    '  when: { name: { regex: "(" } }', //             9
    '- id: bad-duration', //                           10
    '  when: {}', //                                   11
    '  window: 5 minutes', //                          12
    '  count: { gte: 2 }', //                          13
    '- id: spike-no-window', //                        14
    '  when: {}', //                                   15
    '  spike: { increase: 30% }', //                   16
    '- id: fine', //                                   17
    '  when: {}', //                                   18
  ].join('\n');

  it('reports every error with file:line:column and the rule path, exit 2', async () => {
    await writeFile(path.join(dir, 'broken.yaml'), broken);
    expect(await rulesValidate(['broken.yaml'], io())).toBe(2);
    const lines = err.text().trim().split('\n');
    expect(lines).toEqual([
      'broken.yaml:5:23: rules[1].when.sourceIp.cidr: invalid CIDR "10.0.0.0/33"',
      expect.stringMatching(/^broken\.yaml:7:25: rules\[2\]\.when\.name\.like: unknown operator "like"/),
      expect.stringMatching(/^broken\.yaml:9:26: rules\[3\]\.when\.name\.regex: invalid regex "\("/),
      'broken.yaml:12:11: rules[4].window: invalid duration "5 minutes" (use 30s, 5m, 2h or 1d)',
      'broken.yaml:16:10: rules[5].spike: spike needs a window',
      'broken.yaml:17:7: rules[6].id: duplicate rule id "fine" (in broken.yaml:17:7, first in broken.yaml:1:7)',
      '6 problems found',
    ]);
    expect(out.text()).toBe('');
  });

  it('prints ok for valid files', async () => {
    await writeFile(path.join(dir, 'a.yaml'), '- id: a\n  when: { name: A }\n');
    await writeFile(path.join(dir, 'b.yaml'), '# nothing yet\n');
    expect(await rulesValidate(['a.yaml', 'b.yaml'], io())).toBe(0);
    expect(out.text()).toBe('ok\n');
    expect(err.text()).toBe('');
  });

  it('duplicates across files, YAML syntax errors, unknown keys and missing files are errors, not crashes', async () => {
    await writeFile(path.join(dir, 'a.yaml'), '- id: a\n  when: {}\n');
    await writeFile(path.join(dir, 'b.yaml'), '- id: a\n  when: {}\n  windows: 5m\n');
    await writeFile(path.join(dir, 'c.yaml'), '- id: c\n  when: { name: [A, B }\n');
    await writeFile(path.join(dir, 'd.yaml'), 'id: not-a-list\n');
    expect(await rulesValidate(['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml', 'nope.yaml'], io())).toBe(2);
    const text = err.text();
    expect(text).toContain('b.yaml:3:12: rules[0].windows: unknown key "windows"');
    expect(text).toMatch(/c\.yaml:2:\d+: invalid YAML: /);
    expect(text).toContain('d.yaml:1:1: expected a YAML list of rules');
    expect(text).toContain('nope.yaml: cannot read file (ENOENT)');
  });

  it('a duplicate is only reported when the rule is otherwise valid', async () => {
    await writeFile(path.join(dir, 'a.yaml'), '- id: a\n  when: {}\n- id: a\n  when: {}\n');
    expect(await rulesValidate(['a.yaml'], io())).toBe(2);
    expect(err.text()).toContain('a.yaml:3:7: rules[1].id: duplicate rule id "a"');
  });
});

describe('rulesTest', () => {
  it('tests a Sigma file as the config\'s sigma: entry would load it', async () => {
    const sigma = path.resolve('test/fixtures/sigma/cloud-root-login.yml');
    const { ev } = await import('../rules/helpers.js');
    const root = ev({ id: 'root-in', name: 'ConsoleLogin', login: true, sourceIp: '203.0.113.9', actor: { type: 'Root', root: true }, raw: { eventName: 'ConsoleLogin', userIdentity: { type: 'Root' }, sourceIPAddress: '203.0.113.9' } });
    const office = ev({ id: 'root-office', name: 'ConsoleLogin', login: true, sourceIp: '192.0.2.10', actor: { type: 'Root', root: true }, raw: { eventName: 'ConsoleLogin', userIdentity: { type: 'Root' }, sourceIPAddress: '192.0.2.10' } });
    expect(await rulesTest(sigma, { events: await from([root, office]), output: 'text' }, io())).toBe(0);
    expect(out.text()).toContain('matched 1 event, raised 1 alert');
    expect(out.text()).toContain('  matched: root-in');
  });

  it('shows what each rule matched and raised', async () => {
    const { events } = await fixtureEvents('resource-deletion');
    expect(await rulesTest('builtin:resource-deletion', { events: await from(events), output: 'text' }, io())).toBe(0);
    const text = out.text();
    expect(text).toContain('resource-deletion (high): matched 5 events, raised 5 alerts');
    expect(text).toContain('  matched: delete-cert, terminate, release-eip, remove-user, destroy');
    expect(text).toMatch(/ {2}alert 2026-03-01T08:00:00\.000Z: Resource deleted: alice called DeleteCertificate/);
  });

  it('passes with matching expectations (counts and event ids)', async () => {
    const { events, until, since } = await fixtureEvents('failed-calls-spike');
    await writeFile(path.join(dir, 'expect.yaml'), 'failed-calls-spike: 1\nroot-console-login: 0\nresource-deletion: []\n');
    const code = await rulesTest('builtin:recommended', { events: await from(events), since: new Date(since!), until: new Date(until!), expect: 'expect.yaml', output: 'text' }, io());
    expect(code).toBe(0);
    expect(out.text()).toContain('failed-calls-spike (medium): matched 24 events, raised 1 alert');
    expect(out.text()).toContain('expectations met');
  });

  it('exits 1 and prints each difference', async () => {
    const ruleFile = path.join(FIXTURES, 'custom-login-outside-office', 'rule.yaml');
    const { events } = await fixtureEvents('custom-login-outside-office');
    await writeFile(path.join(dir, 'expect.yaml'), 'login-outside-office: [home, home-again]\nmissing-rule: 1\n');
    expect(await rulesTest(ruleFile, { events: await from(events), expect: 'expect.yaml', output: 'text' }, io())).toBe(1);
    const text = out.text();
    expect(text).toContain('DIFF login-outside-office: expected alerts for events not alerted: home-again');
    expect(text).toContain('DIFF login-outside-office: unexpected alerts for events: bob-home');
    expect(text).toContain('DIFF missing-rule: no such rule in the rules under test');
    expect(text).toContain('3 differences from expectations');
  });

  it('json output is NDJSON: one line per rule with its matched event ids and alerts, then the expectations', async () => {
    const { events } = await fixtureEvents('audit-tampering');
    await writeFile(path.join(dir, 'expect.yaml'), 'audit-tampering: 2\n');
    expect(await rulesTest('builtin:audit-tampering', { events: await from(events), expect: 'expect.yaml', output: 'json' }, io())).toBe(1);
    const [rule, expectations, ...rest] = out.text().trim().split('\n').map((l) => JSON.parse(l));
    expect(rest).toEqual([]);
    expect(rule).toMatchObject({ id: 'audit-tampering', severity: 'critical', matched: ['stop', 'delete-track', 'modify-track'] });
    expect(rule.alerts.map((a: { event: { id: string } }) => a.event.id)).toEqual(['stop', 'delete-track', 'modify-track']);
    expect(expectations).toEqual({ expectations: { ok: false, differences: ['audit-tampering: expected 2 alerts, got 3'] } });
  });

  it('invalid rules throw E_RULE; a bad expectations file is a usage error', async () => {
    await writeFile(path.join(dir, 'bad.yaml'), '- id: x\n  when: { sourceIp: { cidr: 1.2.3.4/40 } }\n');
    const e1 = await rulesTest('bad.yaml', { events: await from([]), output: 'text' }, io()).catch((e: unknown) => e);
    expect(isAuditError(e1, 'E_RULE')).toBe(true);
    expect((e1 as { issues: string[] }).issues).toEqual(['bad.yaml:2:29: rules[0].when.sourceIp.cidr: invalid CIDR "1.2.3.4/40"']);
    await writeFile(path.join(dir, 'expect.yaml'), 'audit-tampering: lots\n');
    const e2 = await rulesTest('builtin:audit-tampering', { events: await from([]), expect: 'expect.yaml', output: 'text' }, io()).catch((e: unknown) => e);
    expect(isAuditError(e2, 'E_USAGE')).toBe(true);
  });
});
