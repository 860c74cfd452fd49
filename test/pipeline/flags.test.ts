import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLines, logLines, REPO_ROOT, runCli } from '../helpers/cli.js';
import { ago, makeWorld, quietCall, rootLogin, type World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const rules = [{ builtin: 'root-console-login' }];

describe('audit check flags', () => {
  it('--dry-run prints the alerts but saves nothing and sends nothing', async () => {
    const first = rootLogin(ago(60_000));
    world = await makeWorld({ events: [first], rules });
    const dry = await world.check(['--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Root account root \(account \d+\) signed in to the console/);
    expect(await world.readState()).toBeNull();
    expect(world.receiver.requests).toHaveLength(0);

    // Still new to a real run, which records it; a dry run over a saved state leaves the file alone.
    const real = await world.check(['--output', 'json']);
    expect(jsonLines(real.stdout).map((a) => a.event.id)).toEqual([first.EventId]);
    const saved = await readFile(world.stateFile, 'utf8');
    const second = rootLogin(ago(30_000), { sourceIp: '198.51.100.9' });
    world.emulator.addEvents([second]);
    const dryJson = await world.check(['--dry-run', '--output', 'json']);
    expect(dryJson.code, dryJson.stderr).toBe(0);
    expect(jsonLines(dryJson.stdout).map((a) => a.event.id)).toEqual([second.EventId]);
    expect(await readFile(world.stateFile, 'utf8')).toBe(saved);
    expect(world.receiver.requests).toHaveLength(1);
  });

  it('--fail-on-match exits 3 when an alert is raised and 0 when none is', async () => {
    world = await makeWorld({ events: [rootLogin(ago(60_000)), quietCall(ago(50_000))], rules });
    const matched = await world.check(['--fail-on-match']);
    expect(matched.code, matched.stderr).toBe(3);
    expect(world.delivered().size).toBe(1);
    const quiet = await world.check(['--fail-on-match']);
    expect(quiet.code, quiet.stderr).toBe(0);
  });

  it('--no-state keeps no checkpoint or dedupe and pages nobody: two runs print the alert twice, send nothing', async () => {
    world = await makeWorld({ events: [rootLogin(ago(60_000))], rules });
    // No --output: NDJSON because stdout is a pipe here.
    const runs = [await world.check(['--no-state']), await world.check(['--no-state', '--fail-on-match'])];
    expect(runs.map((r) => r.code)).toEqual([0, 3]);
    for (const r of runs) expect(jsonLines(r.stdout).map((a) => a.rule.id)).toEqual(['root-console-login']);
    expect(world.receiver.requests).toHaveLength(0);
    expect(await world.readState()).toBeNull();

    // --notify: an ad-hoc run that does deliver, each time.
    for (let i = 0; i < 2; i++) expect((await world.check(['--no-state', '--notify', '--output', 'json'])).code).toBe(0);
    expect([...world.delivered().values()]).toEqual([2]);
  });

  it('--input replays a recorded file without the API', async () => {
    world = await makeWorld();
    const file = await world.check(['--input', 'examples/events.ndjson', '--no-state', '--output', 'json']);
    expect(file.code, file.stderr).toBe(0);
    const ids = jsonLines(file.stdout).map((a) => a.rule.id);
    expect(ids).toContain('root-console-login');
    expect(world.emulator.requests).toHaveLength(0);

    // The same through stdin, with no config at all.
    const stdin = await runCli(['check', '--input', '-', '--no-state', '--output', 'json'], {
      stdin: await readFile(join(REPO_ROOT, 'examples/events.ndjson'), 'utf8'),
      cwd: world.work,
    });
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(jsonLines(stdin.stdout).map((a) => a.rule.id).sort()).toEqual([...ids].sort());
  });

  it('--input --no-state streams alerts once per event, even when the file repeats every record', async () => {
    world = await makeWorld();
    const text = await readFile(join(REPO_ROOT, 'examples/events.ndjson'), 'utf8');
    const once = await runCli(['check', '--input', '-', '--no-state', '--output', 'json'], { stdin: text, cwd: world.work });
    // Concatenated overlapping exports: the duplicates are a whole file apart, not neighbours.
    const twice = await runCli(['check', '--input', '-', '--no-state', '--output', 'json', '--fail-on-match'], { stdin: text + text, cwd: world.work });
    expect(once.code, once.stderr).toBe(0);
    expect(twice.code, twice.stderr).toBe(3);
    const ids = jsonLines(once.stdout).map((a) => a.id);
    expect(ids.length).toBeGreaterThan(5);
    expect(jsonLines(twice.stdout).map((a) => a.id)).toEqual(ids);
    const done = logLines(twice.stderr).find((l) => l.msg === 'check done');
    expect(done).toMatchObject({ events: text.split('\n').filter(Boolean).length, alerts: ids.length, pending: 0 });
  });

  it('a bad flag value is a usage error (exit 2) with no API call and no state', async () => {
    world = await makeWorld({ events: [rootLogin(ago(60_000))], rules });
    for (const args of [['--since', 'yesterday-ish'], ['--lock-timeout', 'soon'], ['--output', 'xml']]) {
      const r = await world.check(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(logLines(r.stderr).filter((l) => l.msg === 'check done')).toEqual([]);
    }
    expect(world.emulator.requests).toHaveLength(0);
    expect(await world.readState()).toBeNull();
  });
});
