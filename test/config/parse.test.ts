import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { findConfig } from '../../src/config/find.js';
import { AuditError } from '../../src/errors.js';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function issuesOf(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(yaml, env, 'audit.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(AuditError);
    expect((err as AuditError).code).toBe('E_CONFIG');
    return (err as AuditError).issues;
  }
  throw new Error('expected the config to be rejected');
}

describe('parseConfig: valid', () => {
  it('fills every default from an empty file', () => {
    const c = parseConfig('', {}, 'audit.yaml');
    expect(c.sources[0]).toMatchObject({ provider: 'tencentcloud', regions: ['ap-guangzhou'], api: 'LookUpEvents', credentials: 'auto', lateness: 900_000, maxRequestsPerSecond: 10 });
    expect(c.notifiers).toEqual([expect.objectContaining({ name: 'console', type: 'stdout' })]);
    expect(c.rules.length).toBe(1);
  });

  it('reads durations, regions and ${VAR} with defaults', () => {
    const c = parseConfig('source:\n  regions: [ap-guangzhou, ap-shanghai]\n  lateness: 2h\n  endpoint: "${EP:-http://127.0.0.1:9000}"\n', {}, 'a');
    if (c.sources[0].provider !== 'tencentcloud') throw new Error('expected the Tencent source');
    expect(c.sources[0].regions).toEqual(['ap-guangzhou', 'ap-shanghai']);
    expect(c.sources[0].lateness).toBe(7_200_000);
    expect(c.sources[0].endpoint).toBe('http://127.0.0.1:9000');
  });

  it('keeps an empty rules list (nothing alerts)', () => {
    expect(parseConfig('rules: []', {}, 'a').rules).toEqual([]);
  });
});

describe('parseConfig: invalid', () => {
  const cases: [string, string, NodeJS.ProcessEnv?][] = [
    ['source:\n  lateness: 5 minutes\n', 'source.lateness: invalid duration "5 minutes"'],
    ['source:\n  regoin: ap-guangzhou\n', 'source.regoin: unknown key (did you mean "region"?)'],
    ['sourse: {}\n', 'sourse: unknown key (did you mean "source"?)'],
    ['source:\n  endpoint: "127.0.0.1:9000/x"\n', 'source.endpoint: invalid endpoint'],
    ['source:\n  region: a\n  regions: [b]\n', 'source.regions: give either region or regions'],
    ['source:\n  maxRequestsPerSecond: 50\n', 'source.maxRequestsPerSecond'],
    ['notifiers:\n  - { name: a, type: stdout }\n  - { name: b, type: webhook, url: "not a url" }\n', 'notifiers[1].url'],
    ['notifiers:\n  - { name: a, type: webhook, url: "https://x/${TOKEN}" }\n', 'notifiers[0].url: environment variable TOKEN is not set'],
    ['source: [1, 2]\n', 'source'],
  ];
  it.each(cases)('%s', (yaml, expected, env) => {
    const issues = issuesOf(yaml, env);
    expect(issues.some((i) => i.startsWith(expected) || i.includes(expected)), issues.join('\n')).toBe(true);
  });

  it('reports YAML syntax errors with line and column', () => {
    const issues = issuesOf('source:\n  region: [unclosed\n');
    expect(issues[0]).toMatch(/^audit\.yaml:\d+:\d+: /);
  });

  it('reports every problem at once', () => {
    expect(issuesOf('source:\n  lateness: x\n  timeout: y\n').length).toBe(2);
  });
});

describe('findConfig', () => {
  it('prefers --config, then AUDIT_CONFIG, then ./audit.yaml, then XDG_CONFIG_HOME', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-find-'));
    const xdg = join(dir, 'xdg');
    mkdirSync(join(xdg, 'audit'), { recursive: true });
    writeFileSync(join(xdg, 'audit', 'config.yaml'), '');
    const env = { XDG_CONFIG_HOME: xdg, HOME: dir };
    expect(findConfig(undefined, env, dir)).toEqual({ path: join(xdg, 'audit', 'config.yaml'), origin: 'XDG_CONFIG_HOME' });
    writeFileSync(join(dir, 'audit.yaml'), '');
    expect(findConfig(undefined, env, dir).origin).toBe('./audit.yaml');
    expect(findConfig(undefined, { ...env, AUDIT_CONFIG: 'x.yaml' }, dir)).toEqual({ path: join(dir, 'x.yaml'), origin: 'AUDIT_CONFIG' });
    expect(findConfig('y.yaml', { ...env, AUDIT_CONFIG: 'x.yaml' }, dir).origin).toBe('--config');
  });

  it('falls back to built-in defaults when no file exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-find-'));
    expect(findConfig(undefined, { HOME: dir }, dir)).toEqual({ path: null, origin: 'defaults' });
  });
});

describe('parseConfig: sources', () => {
  it('a list of sources, each with its own provider defaults; source: is a list of one', () => {
    const c = parseConfig('sources:\n  - { regions: [ap-guangzhou] }\n  - { provider: tencentcloud, regions: [ap-shanghai], lateness: 5m }\n', {}, 'a');
    expect(c.sources.map((s) => [s.provider, (s as { regions: string[] }).regions, s.lateness])).toEqual([
      ['tencentcloud', ['ap-guangzhou'], 900_000],
      ['tencentcloud', ['ap-shanghai'], 300_000],
    ]);
    expect(parseConfig('source: { regions: [ap-beijing] }\n', {}, 'a').sources).toHaveLength(1);
  });

  it('rejects both keys, an empty list, and a recorded file among others, naming the path', () => {
    expect(issuesOf('source: {}\nsources: [{}]\n').join('\n')).toContain('sources: give either source or sources');
    expect(issuesOf('sources: []\n').join('\n')).toMatch(/^sources: /m);
    expect(issuesOf('sources:\n  - {}\n  - { provider: file, path: x.ndjson }\n').join('\n')).toContain('sources: a recorded file');
    expect(issuesOf('sources:\n  - {}\n  - { regions: [ap-guangzhou], maxAttempts: 0 }\n').join('\n')).toContain('sources[1].maxAttempts');
  });
});
