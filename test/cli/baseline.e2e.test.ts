// firstSeen across separate processes: the baseline lives in the state directory, so a restart
// goes on from what was learned; `rules baseline` shows and forgets it; `check --learn-only` seeds it.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ndjson, sandbox, stackLines, type Sandbox } from './run-cli.js';

const A = '100000000001';
let box: Sandbox;
beforeEach(async () => {
  box = await sandbox();
  // learn: 0, so that without the saved baseline every address would alert (the flood a restart must not cause).
  await writeFile(
    path.join(box.dir, 'audit.yaml'),
    'rules:\n  - id: root-login-new-ip\n    title: Root signed in from a new IP\n    severity: critical\n    when: { login: true, actor.root: true }\n    firstSeen: { field: sourceIp, per: [account], learn: 0 }\n  - id: deletes\n    when: { name: "Delete*" }\n',
  );
});
afterEach(() => box.cleanup());

let seq = 0;
/** A normalized root console sign-in, as `audit events --output json` writes it. */
function login(minute: number, ip: string): string {
  const time = new Date(Date.UTC(2026, 2, 1) + minute * 60_000).toISOString();
  return JSON.stringify({
    id: `login-${++seq}`, time, provider: 'tencentcloud', account: A, region: 'ap-guangzhou', name: 'ConsoleLogin', type: 'ConsoleLogin', service: 'cam',
    readOnly: false, actor: { type: 'Root', id: A, name: 'root', accessKeyId: null, root: true }, sourceIp: ip, userAgent: null, error: null,
    sensitive: false, login: true, resources: [], requestId: null, raw: {},
  });
}

async function file(name: string, lines: string[]): Promise<string> {
  const p = path.join(box.dir, name);
  await writeFile(p, `${lines.join('\n')}\n`);
  return p;
}

async function check(...args: string[]) {
  const r = await box.run(['check', '--output', 'json', '--log-level', 'warn', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return ndjson(r.stdout) as { rule: { id: string }; event: { sourceIp: string }; summary: string }[];
}

async function baseline(...args: string[]) {
  const r = await box.run(['rules', 'baseline', 'root-login-new-ip', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('firstSeen baselines across runs', () => {
  it('--learn-only seeds the baseline without alerting; a restart goes on from it; --reset forgets it', async () => {
    const day1 = await file('day1.ndjson', [login(0, '203.0.113.1'), login(10, '203.0.113.2'), login(20, '203.0.113.1')]);
    expect(await check('--input', day1, '--learn-only')).toEqual([]);

    const learned = ndjson(await baseline('--output', 'json')) as { group: unknown; values: { value: string; firstSeen: string; lastSeen: string }[] }[];
    expect(learned).toHaveLength(1);
    expect(learned[0].group).toEqual({ account: A });
    expect(learned[0].values).toEqual([
      { value: '203.0.113.1', firstSeen: '2026-03-01T00:00:00.000Z', lastSeen: '2026-03-01T00:20:00.000Z' },
      { value: '203.0.113.2', firstSeen: '2026-03-01T00:10:00.000Z', lastSeen: '2026-03-01T00:10:00.000Z' },
    ]);
    expect(await baseline('--output', 'text')).toMatch(/^account=100000000001: 2 values, learning until 2026-03-01T00:00:00.000Z/);

    // A new process with the known addresses and one new one: only the new one alerts.
    const day2 = await file('day2.ndjson', [login(24 * 60, '203.0.113.1'), login(24 * 60 + 5, '203.0.113.2'), login(24 * 60 + 9, '203.0.113.9')]);
    const alerts = await check('--input', day2);
    expect(alerts.map((a) => [a.rule.id, a.event.sourceIp])).toEqual([['root-login-new-ip', '203.0.113.9']]);
    expect(alerts[0].summary).toContain('new sourceIp 203.0.113.9 (first seen; account=100000000001)');
    // Without the state every address would be new: the flood the saved baseline prevents.
    expect(await check('--input', day2, '--no-state')).toHaveLength(3);
    // The same file again: nothing is new.
    expect(await check('--input', day2)).toEqual([]);

    expect(await baseline('--reset')).toMatch(/forgot the baseline of root-login-new-ip/);
    expect(await baseline('--output', 'json')).toBe('');
    const day3 = await file('day3.ndjson', [login(2 * 24 * 60, '203.0.113.1')]);
    expect((await check('--input', day3)).map((a) => a.event.sourceIp)).toEqual(['203.0.113.1']);
  });

  it('refuses what cannot work: --learn-only without a state, a rule that is not firstSeen, an unknown rule', async () => {
    const day1 = await file('day1.ndjson', [login(0, '203.0.113.1')]);
    const cases: [string[], RegExp][] = [
      [['check', '--input', day1, '--learn-only', '--no-state'], /--learn-only records into the state: it cannot be combined with --no-state/],
      [['check', '--input', day1, '--learn-only', '--dry-run'], /cannot be combined with --dry-run/],
      [['rules', 'baseline', 'deletes'], /rule deletes is of type event: only firstSeen rules learn a baseline/],
      [['rules', 'baseline', 'nope'], /unknown rule "nope"/],
    ];
    for (const [args, message] of cases) {
      const r = await box.run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(stackLines(r.stderr)).toEqual([]);
    }
  });
});
