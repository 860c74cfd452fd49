// Recorded events without config or credentials; usage errors; --help everywhere.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEventSchema } from '../../src/events/schema.js';
import { GUARD_MARK, ndjson, ROOT, sandbox, stackLines, type CliResult, type Sandbox } from './run-cli.js';

const EVENTS = path.join(ROOT, 'examples', 'events.ndjson');
const API_RESPONSE = path.join(ROOT, 'examples', 'api-response.json');

let box: Sandbox;
beforeEach(async () => {
  box = await sandbox();
});
afterEach(() => box.cleanup());

/** Nothing was asked of the cloud: no source was built, no connection left 127.0.0.1. */
function expectNoSource(r: CliResult) {
  expect(r.stderr).not.toContain('CloudAudit source ready');
  expect(r.stderr).not.toContain(GUARD_MARK);
}

describe('audit events --input (no config, no credentials)', () => {
  const recordedIds = readFileSync(EVENTS, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).EventId as string);

  it('reads an NDJSON file and prints every record normalized', async () => {
    const r = await box.run(['events', '--input', EVENTS, '--output', 'json', '--log-level', 'trace']);
    expect(r.code, r.stderr).toBe(0);
    const events = ndjson(r.stdout).map((e) => auditEventSchema.parse(e));
    expect(events.map((e) => e.id)).toEqual(recordedIds);
    expect(events).toHaveLength(60);
    expectNoSource(r);
  });

  it('reads the same from stdin with --input -', async () => {
    const file = await box.run(['events', '--input', EVENTS, '--output', 'json']);
    const stdin = await box.run(['events', '--input', '-', '--output', 'json'], { input: readFileSync(EVENTS) });
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(stdin.stdout).toBe(file.stdout);
    expect(ndjson(stdin.stdout)).toHaveLength(60);
    expectNoSource(stdin);
  });

  it('reads a saved LookUpEvents response page', async () => {
    const page = JSON.parse(readFileSync(API_RESPONSE, 'utf8')).Response.Events as { EventId: string }[];
    const r = await box.run(['events', '--input', API_RESPONSE, '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const ids = ndjson(r.stdout).map((e) => auditEventSchema.parse(e).id);
    expect(ids.sort()).toEqual(page.map((e) => e.EventId).sort());
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => recordedIds.includes(id))).toBe(true);
    expectNoSource(r);
  });

  it('--since/--until cut a recorded file', async () => {
    const r = await box.run(['events', '--input', EVENTS, '--since', '2026-11-22T10:20:00Z', '--until', '2026-11-22T10:25:00Z', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const times = ndjson(r.stdout).map((e) => auditEventSchema.parse(e).time);
    expect(times.length).toBeGreaterThan(0);
    expect(times.length).toBeLessThan(60);
    for (const t of times) expect(t >= '2026-11-22T10:20:00' && t <= '2026-11-22T10:25:00.000Z').toBe(true);
  });

  it('a missing input file is a usage error (exit 2) naming it', async () => {
    const r = await box.run(['events', '--input', 'missing.ndjson']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^audit: .*missing\.ndjson/);
    expect(stackLines(r.stderr)).toEqual([]);
  });
});

describe('usage errors exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['a bad --since', ['events', '--since', 'banana'], /--since: invalid time "banana" \(use 30s, 5m, 2h, 1d or an ISO time/],
    ['a bad --until', ['events', '--input', EVENTS, '--until', 'later'], /--until: invalid time "later"/],
    ['--since after --until', ['events', '--input', EVENTS, '--since', '2026-11-22T10:00:00Z', '--until', '2026-11-22T09:00:00Z'], /--since must be before --until/],
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['an unknown option', ['events', '--frobnicate'], /unknown option '--frobnicate'/],
    ['a bad --output', ['events', '--input', EVENTS, '--output', 'xml'], /argument 'xml' is invalid.*text, json/],
    ['a bad --log-level', ['events', '--input', EVENTS, '--log-level', 'loud'], /--log-level: invalid level "loud"/],
    ['a missing argument', ['notify', 'test'], /missing required argument 'name'/],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    const r = await box.run(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(stackLines(r.stderr)).toEqual([]);
  });
});

describe('--help', () => {
  const commands = [
    [],
    ['events'],
    ['check'],
    ['watch'],
    ['rules'],
    ['rules', 'list'],
    ['rules', 'validate'],
    ['rules', 'test'],
    ['notify'],
    ['notify', 'test'],
    ['config'],
    ['config', 'validate'],
    ['config', 'schema'],
  ];

  it.each(commands.map((c) => [c.join(' ') || '(program)', c] as const))('%s --help exits 0 with examples', async (_name, command) => {
    const r = await box.run([...command, '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: audit ${command.join(' ')}`.trimEnd()));
    expect(r.stdout).toContain('Examples');
    expect(r.stdout).toContain(`$ audit ${command.join(' ')}`.trimEnd());
  });

  it('--version prints the version', async () => {
    const r = await box.run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
