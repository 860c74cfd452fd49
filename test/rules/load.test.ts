import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAuditError, type AuditError } from '../../src/errors.js';
import { BUILTIN_PACKS, BUILTIN_RULES } from '../../src/rules/builtin/index.js';
import { rulesConfigSchema } from '../../src/rules/config.js';
import { loadRules } from '../../src/rules/load.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rules-load-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadError(items: unknown[]): Promise<AuditError> {
  const err = await loadRules(items, { baseDir: dir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAuditError(err, 'E_RULE'), String(err)).toBe(true);
  return err as AuditError;
}

describe('rulesConfigSchema', () => {
  it('defaults to the recommended pack when the key is absent, and accepts an empty list', () => {
    expect(rulesConfigSchema.parse(undefined)).toEqual([{ kind: 'builtin', builtin: 'recommended' }]);
    expect(rulesConfigSchema.parse([])).toEqual([]);
  });

  it('tells items apart and applies rule parsing', () => {
    const parsed = rulesConfigSchema.parse([
      { builtin: 'recommended' },
      { file: './rules/*.yaml' },
      { id: 'resource-deletion', severity: 'medium' },
      { id: 'my-rule', when: { name: 'A' }, window: '5m', count: { gte: 2 } },
    ]);
    expect(parsed.map((i) => i.kind)).toEqual(['builtin', 'file', 'override', 'inline']);
    expect(parsed[3]).toMatchObject({ rule: { id: 'my-rule', window: 300_000 } });
  });

  it('reports problems with their path in the list', () => {
    const result = rulesConfigSchema.safeParse([
      { builtin: 'nope' },
      { id: 'x', when: { sourceIp: { cidr: '10.0.0.0/33' } } },
      { id: 'y', when: {}, windows: '5m' },
      { id: 'x', when: { name: 'A' } },
      { id: 'Bad Id', when: {} },
      'text',
    ]);
    expect(result.success).toBe(false);
    const lines = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^0\.builtin: unknown built-in "nope"/),
        '1.when.sourceIp.cidr: invalid CIDR "10.0.0.0/33"',
        '2.windows: unknown key "windows"',
        '4.id: id must match [a-z0-9-]+',
        expect.stringMatching(/^5: expected a rule/),
      ]),
    );
  });

  it('suggests the built-in a misspelt pack, rule or tuned id meant', () => {
    const result = rulesConfigSchema.safeParse([{ builtin: 'recomended' }, { builtin: 'root-consol-login' }, { id: 'resource-deletoin', severity: 'critical' }]);
    expect(result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      '0.builtin: unknown built-in "recomended" (did you mean "recommended"?)',
      '1.builtin: unknown built-in "root-consol-login" (did you mean "root-console-login"?)',
      '2.id: no built-in rule "resource-deletoin" to tune (did you mean "resource-deletion"?); a rule of your own needs a when',
    ]);
  });

  it('reports ids repeated within the list', () => {
    const result = rulesConfigSchema.safeParse([{ id: 'a', when: {} }, { id: 'a', when: {} }]);
    expect(result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['1.id: duplicate rule id "a" (first at rules[0])']);
  });
});

describe('rule fields', () => {
  it.each([
    [{ id: 's', when: {}, spike: { increase: '30%' } }, 'spike: spike needs a window'],
    [{ id: 's', when: {}, window: '5m' }, 'window: window needs one of count, spike, distinct or flatline'],
    [{ id: 's', when: {}, every: '1m' }, 'every: every needs a window'],
    [{ id: 's', when: {}, window: '5m', every: '10m', count: { gte: 1 } }, 'every: every must not be longer than the window (events between windows would never count)'],
    [{ id: 's', when: {}, window: '5m', count: { gte: 1 }, spike: { increase: '10%' } }, 'spike: give only one of count, spike'],
    [{ id: 's', when: {}, window: '5 minutes', count: { gte: 1 } }, 'window: invalid duration "5 minutes"'],
    [{ id: 's', when: {}, window: '0s', count: { gte: 1 } }, 'window: must be longer than 0'],
    [{ id: 's', when: {}, suppress: 'soon' }, 'suppress: invalid duration "soon"'],
    [{ id: 's', when: {}, window: '5m', spike: { increase: 0.3 } }, 'spike.increase'],
    [{ id: 's', when: {}, window: '5m', spike: { increase: 'lots' } }, 'spike.increase: invalid percentage "lots"'],
    [{ id: 's', when: {}, window: '5m', spike: { increase: '30%', decrease: '30%' } }, 'spike: give exactly one of increase or decrease'],
    [{ id: 's', when: {}, window: '5m', count: { gte: 1 }, distinct: { field: 'sourceIp', gte: 2 } }, 'distinct: give only one of count, distinct'],
    [{ id: 's', when: {}, window: '5m', distinct: { field: 'ip', gte: 2 } }, 'distinct.field: unknown field "ip"'],
    [{ id: 's', when: {}, groupBy: ['actor.key'] }, 'groupBy.0: unknown field "actor.key"'],
    [{ id: 's', when: {}, severity: 'urgent' }, 'severity'],
    [{ id: 's' }, 'when: expected a map'],
  ])('%j → %s', (input, want) => {
    const result = rulesConfigSchema.safeParse([input]);
    const lines = result.success ? [] : result.error.issues.map((i) => `${i.path.slice(1).join('.')}: ${i.message}`);
    expect(lines.some((l) => l.startsWith(want)), `${JSON.stringify(lines)} should contain ${want}`).toBe(true);
  });
});

describe('loadRules', () => {
  it('loads the recommended pack with defaults and origin', async () => {
    const rules = await loadRules([{ builtin: 'recommended' }], { baseDir: dir });
    expect(rules.map((r) => r.id)).toEqual(BUILTIN_PACKS.recommended);
    expect(rules.every((r) => r.origin === 'builtin')).toBe(true);
    // trail-silent is off until enabled with a window that suits the account.
    expect(rules.filter((r) => !r.enabled).map((r) => r.id)).toEqual(['trail-silent']);
    const tuned = await loadRules([{ builtin: 'recommended' }, { id: 'trail-silent', enabled: true, window: '2h' }], { baseDir: dir });
    expect(tuned.find((r) => r.id === 'trail-silent')).toMatchObject({ enabled: true, window: 7_200_000, flatline: { lt: 1 } });
  });

  it('reads rule files from a glob relative to the config directory', async () => {
    await mkdir(path.join(dir, 'rules'));
    await writeFile(path.join(dir, 'rules', 'b.yaml'), '- id: b-rule\n  when: { name: B }\n');
    await writeFile(path.join(dir, 'rules', 'a.yaml'), '- id: a-rule\n  when: { name: A }\n  severity: low\n');
    await writeFile(path.join(dir, 'rules', 'notes.txt'), 'not a rule');
    const rules = await loadRules([{ file: './rules/*.yaml' }, { id: 'inline-rule', when: { name: 'C' } }], { baseDir: dir });
    expect(rules.map((r) => [r.id, r.origin, r.severity, r.title])).toEqual([
      ['a-rule', 'rules/a.yaml', 'low', 'a-rule'],
      ['b-rule', 'rules/b.yaml', 'medium', 'b-rule'],
      ['inline-rule', 'inline', 'medium', 'inline-rule'],
    ]);
  });

  it('tunes or disables a built-in by repeating its id', async () => {
    const rules = await loadRules(
      [{ builtin: 'recommended' }, { id: 'resource-deletion', severity: 'medium' }, { id: 'sensitive-operation', enabled: false }],
      { baseDir: dir },
    );
    const byId = new Map(rules.map((r) => [r.id, r]));
    expect(byId.get('resource-deletion')).toMatchObject({ severity: 'medium', origin: 'builtin', when: BUILTIN_RULES['resource-deletion'].spec.when });
    expect(byId.get('sensitive-operation')!.enabled).toBe(false);
    expect(rules).toHaveLength(BUILTIN_PACKS.recommended.length);
  });

  it('an override may replace the aggregation of a built-in', async () => {
    const [r] = await loadRules([{ id: 'failed-calls-spike', window: '10m', count: { gte: 50 } }], { baseDir: dir });
    expect(r).toMatchObject({ id: 'failed-calls-spike', window: 600_000, count: { gte: 50 } });
    expect(r.spike).toBeUndefined();
  });

  it('a single built-in can be picked by id', async () => {
    const rules = await loadRules([{ builtin: 'audit-tampering' }], { baseDir: dir });
    expect(rules.map((r) => r.id)).toEqual(['audit-tampering']);
  });

  it('duplicate ids across files and built-ins are errors', async () => {
    await writeFile(path.join(dir, 'one.yaml'), '- id: same\n  when: {}\n- id: resource-deletion\n  when: {}\n');
    await writeFile(path.join(dir, 'two.yaml'), '- id: same\n  when: {}\n');
    const err = await loadError([{ builtin: 'recommended' }, { file: '*.yaml' }]);
    expect(err.issues).toEqual([
      expect.stringMatching(/^duplicate rule id "resource-deletion" \(in one\.yaml, first in builtin; to tune/),
      'duplicate rule id "same" (in two.yaml, first in one.yaml)',
    ]);
  });

  it('reports file problems with file:line:column and the rule path', async () => {
    await writeFile(path.join(dir, 'bad.yaml'), '- id: ok\n  when: {}\n- id: broken\n  when:\n    sourceIp: { cidr: 10.0.0.0/33 }\n');
    const err = await loadError([{ file: 'bad.yaml' }]);
    expect(err.issues).toEqual(['bad.yaml:5:23: rules[1].when.sourceIp.cidr: invalid CIDR "10.0.0.0/33"']);
  });

  it('a glob matching no file is an error, and so is a missing plain path', async () => {
    expect((await loadError([{ file: 'rules/*.yaml' }])).issues).toEqual(['rules[0].file: no rule files match "rules/*.yaml"']);
    expect((await loadError([{ file: 'missing.yaml' }])).issues).toEqual(['missing.yaml: cannot read file (ENOENT)']);
  });

  it('raw config items are validated too', async () => {
    const err = await loadError([{ id: 'x', when: { name: { like: 'A' } } }]);
    expect(err.issues).toEqual([expect.stringMatching(/^rules\[0\]\.when\.name\.like: unknown operator "like"/)]);
  });

  it('an override that breaks the aggregation is reported', async () => {
    const err = await loadError([{ id: 'failed-calls-spike', window: undefined, count: { gte: 3 }, spike: { increase: '10%' } }]);
    expect(err.issues.length).toBeGreaterThan(0);
  });
});
