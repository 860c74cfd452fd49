// `audit status` as a monitor sees it: real processes against the emulator, after real checks.
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from '../helpers/cli.js';
import { acquireLock } from '../../src/state/index.js';
import { createLogger } from '../../src/util/logger.js';
import type { ApiEvent } from '../helpers/emulator/index.js';
import { ago, makeWorld, rootLogin, type World } from '../pipeline/harness.js';

const GZ = 'tencentcloud/100000000001/ap-guangzhou';
const SH = 'tencentcloud/100000000001/ap-shanghai';
const HOUR = 3_600_000;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function status(...args: string[]) {
  const r = await runCli(['status', '--config', world!.config, ...args]);
  expect(r.stderr).toBe('');
  return r;
}

const json = async () => {
  const r = await status('--output', 'json');
  const lines = jsonLines(r.stdout);
  expect(lines).toHaveLength(1);
  return { code: r.code, report: lines[0] };
};

/** A root login whose inner record says 1970: quarantined, never evaluated. */
function epochLogin(): ApiEvent {
  const e = rootLogin(ago(60_000), { region: 'ap-shanghai', sourceIp: '198.51.100.9' });
  return { ...e, CloudAuditEvent: JSON.stringify({ ...JSON.parse(e.CloudAuditEvent), eventTime: 0 }) };
}

describe('audit status', () => {
  it('shows each partition, the outbox, the quarantine and baselines; exits 1 while a partition lags past maxLag', async () => {
    const login = rootLogin(ago(30_000), { region: 'ap-shanghai' });
    world = await makeWorld({
      events: [login, epochLogin()],
      source: { region: undefined, regions: ['ap-guangzhou', 'ap-shanghai'], account: '100000000001', maxAttempts: 1 },
      rules: [{ builtin: 'root-console-login' }, { id: 'new-root-ip', when: { login: true, 'actor.root': true }, firstSeen: { field: 'sourceIp', per: ['account'], learn: 0 } }],
    });
    const config = JSON.parse(await readFile(world.config, 'utf8'));
    await writeFile(world.config, JSON.stringify({ ...config, health: { maxLag: '30m' } }));

    // Guangzhou (fetched first) fails; Shanghai alerts twice (one login, two rules), and the hook refuses both.
    world.emulator.failNext(1, { code: 'InternalError', message: 'backend down' });
    world.refuseHook(2, 400);
    const first = await world.check(['--output', 'json']);
    expect(first.code, first.stderr).toBe(1);
    expect(jsonLines(first.stdout).map((a) => a.rule.id).sort()).toEqual(['new-root-ip', 'root-console-login']);

    const text = await status('--output', 'text');
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^PARTITION +CHECKPOINT +LAG +LATE \(24H\) +RE-READS +LAST RUN +RESULT +LAGGING SINCE +ERROR$/);
    const gz = lines.find((l) => l.startsWith(GZ))!;
    const sh = lines.find((l) => l.startsWith(SH))!;
    expect(gz).toMatch(/^\S+ +- +\d+s +- +- +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC +failed +- +LookUpEvents failed .*InternalError.*backend down/);
    expect(sh).toMatch(/^\S+ +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC +\d+s +0s +15m +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC +ok +- +-$/);
    // Aligned: every column starts where its heading does.
    for (const heading of ['CHECKPOINT', 'LAG', 'LATE (24H)', 'RE-READS', 'RESULT', 'LAGGING SINCE']) {
      const at = lines[0].indexOf(heading);
      for (const row of [gz, sh]) expect(row[at - 1], `${heading} in ${row}`).toBe(' ');
      for (const row of [gz, sh]) expect(row[at], `${heading} in ${row}`).not.toBe(' ');
    }
    expect(text.stdout).toContain('\nhealth.maxLag: 30m; no partition lags\n');
    expect(text.stdout).toContain('\noutbox: 2 alerts pending (hook 2; see audit outbox list)\n');
    expect(text.stdout).toMatch(/\nquarantine: 1 record \(.*quarantine\.ndjson\)\n/);
    expect(text.stdout).toContain('\nbaseline new-root-ip: 1 group, 1 value\n');

    // Read-only and without the lock: it answers while a watcher holds it.
    const lock = (await acquireLock(world.stateDir, { timeoutMs: 0, logger: createLogger('silent') }))!;
    const { code, report } = await json().finally(() => lock.release());
    expect(code).toBe(0);
    expect(report).toMatchObject({ maxLagMs: 30 * 60_000, lagging: false, outbox: { alerts: 2, pending: { hook: 2 } }, quarantined: 1, baselines: [{ rule: 'new-root-ip', groups: 1, values: 1 }] });
    expect(report.partitions.map((p: { partition: string }) => p.partition)).toEqual([GZ, SH]);
    expect(report.partitions[0]).toMatchObject({ checkpoint: null, result: 'failed', laggingSince: null, lagging: false });
    expect(report.partitions[0].error).toMatch(/InternalError.*backend down/);
    expect(report.partitions[1]).toMatchObject({ result: 'ok', error: null, failingSince: null, lagging: false, lateMs: 0, refetchMs: 15 * 60_000 });
    // A partition never fetched has observed nothing: re-reads all of lateness once it is.
    expect(report.partitions[0]).toMatchObject({ lateMs: null, refetchMs: null, settledTo: null });
    expect(Date.parse(report.partitions[1].checkpoint)).toBeGreaterThan(Date.now() - 60_000);

    // As if the checks had stopped two hours ago: Shanghai's checkpoint and Guangzhou's failures that old.
    const state = JSON.parse(await readFile(world.stateFile, 'utf8'));
    const twoHoursAgo = new Date(Date.now() - 2 * HOUR).toISOString();
    state.checkpoints = state.checkpoints.map(([p, t]: [string, string]) => [p, p === SH ? twoHoursAgo : t]);
    state.health = state.health.map(([p, h]: [string, Record<string, unknown>]) => [p, p === GZ ? { ...h, failingSince: twoHoursAgo } : h]);
    await writeFile(world.stateFile, JSON.stringify(state));
    const stale = await json();
    expect(stale.code).toBe(1);
    expect(stale.report.lagging).toBe(true);
    const crossed = new Date(Date.parse(twoHoursAgo) + 30 * 60_000).toISOString();
    expect(stale.report.partitions.map((p: { lagging: boolean; laggingSince: string }) => [p.lagging, p.laggingSince])).toEqual([[true, crossed], [true, crossed]]);
    const staleText = await status('--output', 'text');
    expect(staleText.code).toBe(1);
    expect(staleText.stdout).toMatch(new RegExp(`\\n${SH} .* 2h( \\d+m)? ! `));
    expect(staleText.stdout).toContain('\nhealth.maxLag: 30m; 2 partitions lag past it (audit-lagging is raised once per spell)\n');

    // The next check: Shanghai catches up; Guangzhou fails again and raises audit-lagging, sent with the waiting alerts.
    world.emulator.failNext(1, { code: 'InternalError', message: 'backend down' });
    const second = await world.check(['--output', 'json']);
    expect(second.code, second.stderr).toBe(1);
    const [lagging] = jsonLines(second.stdout);
    expect(lagging).toMatchObject({ rule: { id: 'audit-lagging', severity: 'high' }, event: { name: 'WatcherLagging', region: 'ap-guangzhou' } });
    expect(lagging.summary).toMatch(new RegExp(`^Audit trail watcher falling behind: ${GZ} has never been fetched and has failed for 2h \\(limit 30m\\); last run failed: LookUpEvents failed .*backend down`));
    expect(world.delivered().get(lagging.id)).toBe(1);

    const after = await json();
    expect(after.code).toBe(1);
    expect(after.report.outbox).toEqual({ alerts: 0, pending: {} });
    expect(after.report.partitions.map((p: { lagging: boolean; laggingSince: string | null }) => [p.lagging, p.laggingSince])).toEqual([[true, crossed], [false, null]]);
    expect((await status('--output', 'text')).stdout).toContain('\noutbox: empty\n');
  });

  it('before any check: says so and exits 0', async () => {
    world = await makeWorld({ rules: [{ builtin: 'root-console-login' }] });
    const r = await status('--output', 'text');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^no partition has been checked yet \(run audit check\)\n\nhealth\.maxLag: not set \(no audit-lagging alert\)\noutbox: empty\nquarantine: 0 records\n$/);
    expect((await json()).report).toMatchObject({ partitions: [], lagging: false, maxLagMs: null, quarantined: 0, baselines: [] });
  });
});
