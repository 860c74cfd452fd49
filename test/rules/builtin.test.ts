import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEventSchema, type AuditEvent } from '../../src/events/index.js';
import { BUILTIN_PACKS, BUILTIN_RULES } from '../../src/rules/builtin/index.js';
import { compileRules } from '../../src/rules/compile.js';
import { createEngine } from '../../src/rules/engine.js';
import { loadRules } from '../../src/rules/load.js';
import { parse as parseYaml } from 'yaml';
import { cronRuns } from './helpers.js';

const FIXTURES = path.resolve(__dirname, '../fixtures/rules');
const cases = readdirSync(FIXTURES).filter((d) => existsSync(path.join(FIXTURES, d, 'events.json')));

interface ExpectedAlert {
  rule: string;
  eventId: string;
  count: number;
  group: Record<string, unknown> | null;
  window?: { start: string; end: string };
  summary?: string;
  summaryContains?: string;
}

function readCase(name: string) {
  const dir = path.join(FIXTURES, name);
  const rawEvents = JSON.parse(readFileSync(path.join(dir, 'events.json'), 'utf8'));
  // `since`: window points are judged from there, with one lookback of history before it (as a cron run would).
  // `runs`: the ends of cron runs over the same events, which must give the same alerts as one backfill.
  const { since, until, runs, events } = Array.isArray(rawEvents) ? { since: undefined, until: undefined, runs: undefined, events: rawEvents } : rawEvents;
  const builtinFile = path.join(dir, 'builtin.txt');
  const builtin = existsSync(builtinFile) ? readFileSync(builtinFile, 'utf8').trim() : undefined;
  const expected: ExpectedAlert[] = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')).alerts;
  return { dir, since: since as string | undefined, until: until as string | undefined, runs: runs as string[] | undefined, events: events as unknown[], builtin, expected };
}

describe('built-in fixture cases', () => {
  it.each(cases)('%s', async (name) => {
    const c = readCase(name);
    // `overrides.yaml` beside `builtin.txt`: config entries that tune the built-in (e.g. enable one that is off by default).
    const overrides = path.join(c.dir, 'overrides.yaml');
    const tuned = c.builtin && existsSync(overrides) ? (parseYaml(readFileSync(overrides, 'utf8')) as unknown[]) : [];
    const items = c.builtin ? [{ builtin: c.builtin }, ...tuned] : [{ file: path.join(c.dir, 'rule.yaml') }];
    const rules = await loadRules(items, { baseDir: c.dir });
    // Fixture events must be valid normalized events, or the case proves nothing.
    const events: AuditEvent[] = c.events.map((e) => auditEventSchema.parse(e));
    const ruleSet = compileRules(rules);
    const start = c.since ? { historyFromMs: Date.parse(c.since) - ruleSet.lookbackMs, firstPointMs: Date.parse(c.since) } : undefined;
    const engine = createEngine(ruleSet, { start, now: () => new Date('2030-01-01T00:00:00Z') });
    const alerts = [...events.flatMap((e) => engine.push(e)), ...(c.until ? engine.advance(Date.parse(c.until)) : engine.finish())];
    const project = (a: (typeof alerts)[number]) => ({
      rule: a.rule.id,
      eventId: a.event.id,
      count: a.count,
      group: a.group,
      ...(a.window ? { window: a.window } : {}),
    });
    const want = c.expected.map(({ summary, summaryContains, ...rest }) => rest);
    expect(alerts.map(project)).toEqual(want);
    c.expected.forEach((e, i) => {
      if (e.summary !== undefined) expect(alerts[i].summary).toBe(e.summary);
      if (e.summaryContains !== undefined) expect(alerts[i].summary).toContain(e.summaryContains);
    });
    if (c.runs) {
      expect(c.runs.at(-1), 'the last run ends where the backfill does').toBe(c.until);
      const cron = cronRuns(ruleSet, events, c.runs.map(Date.parse), { start });
      expect(cron.map(project), 'cron-style runs').toEqual(want);
      expect(cron.map((a) => a.id)).toEqual(alerts.map((a) => a.id));
    }
  });

  it('every built-in rule has at least one case', () => {
    const covered = new Set(cases.map((name) => readCase(name).builtin).filter(Boolean));
    expect([...covered].sort()).toEqual(Object.keys(BUILTIN_RULES).sort());
  });
});

describe('built-in pack', () => {
  it('recommended lists every built-in rule once', () => {
    expect(BUILTIN_PACKS.recommended).toEqual(Object.keys(BUILTIN_RULES));
  });

  it('each rule has a title, description, severity and reason', () => {
    for (const [id, b] of Object.entries(BUILTIN_RULES)) {
      expect(b.spec.id).toBe(id);
      expect(b.spec.title, id).toBeTruthy();
      expect(b.spec.description, id).toBeTruthy();
      expect(b.spec.severity, id).toBeTruthy();
      expect(b.why.length, id).toBeGreaterThan(20);
    }
  });

  it('docs/rules.md has a row for every built-in rule', () => {
    const docs = readFileSync(path.resolve(__dirname, '../../docs/rules.md'), 'utf8');
    for (const [id, b] of Object.entries(BUILTIN_RULES)) expect(docs).toContain(`| \`${id}\` | ${b.spec.severity} |`);
  });
});
