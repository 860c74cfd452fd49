import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLines, logLines } from '../helpers/cli.js';
import type { ApiEvent } from '../helpers/emulator/index.js';
import { ago, makeWorld, rootLogin, type World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A root login whose inner record is changed by `edit` (applied to the JSON text, so any depth can be built). */
function poisoned(time: Date, edit: (record: Record<string, unknown>) => string): ApiEvent {
  const e = rootLogin(time);
  return { ...e, CloudAuditEvent: edit(JSON.parse(e.CloudAuditEvent)) };
}
const deep = (record: Record<string, unknown>) =>
  JSON.stringify({ ...record, requestParameters: '__DEEP__' }).replace('"__DEEP__"', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
const farFuture = (record: Record<string, unknown>) => JSON.stringify({ ...record, eventTime: 1e15 });
const epoch = (record: Record<string, unknown>) => JSON.stringify({ ...record, eventTime: 0 });

describe('poison records are quarantined, never halting alerting', () => {
  it('a deep record and impossible times are set aside once; the canaries around them alert and the checkpoint moves', async () => {
    const now = Date.now();
    const before = rootLogin(ago(120_000, now), { sourceIp: '198.51.100.1' });
    const after = rootLogin(ago(20_000, now), { sourceIp: '198.51.100.2' });
    const poison = [poisoned(ago(90_000, now), deep), poisoned(ago(80_000, now), farFuture), poisoned(ago(70_000, now), epoch)];
    world = await makeWorld({ events: [before, ...poison, after], rules: [{ builtin: 'root-console-login' }] });

    const first = await world.check(['--output', 'json']);
    expect(first.code, first.stderr).toBe(0);
    expect(jsonLines(first.stdout).map((a) => a.event.id).sort()).toEqual([before.EventId, after.EventId].sort());
    const logs = logLines(first.stderr);
    expect(logs.find((l) => l.msg === 'check done')).toMatchObject({ events: 5, quarantined: 3, alerts: 2, delivered: 2 });
    const warned = logs.filter((l) => l.msg === 'event quarantined: not evaluated');
    expect(warned.map((l) => l.event).sort()).toEqual(poison.map((p) => p.EventId).sort());
    const lines = (await readFile(join(world.stateDir, 'quarantine.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id).sort()).toEqual(poison.map((p) => p.EventId).sort());
    expect(lines.find((l) => l.id === poison[0].EventId).reason).toMatch(/deeper than 64/);
    expect(await world.checkpoint()).toBeDefined();

    // The next run fetches them again: no alert, no second warning, nothing added to the quarantine.
    const second = await world.check(['--output', 'json']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe('');
    expect(logLines(second.stderr).filter((l) => l.msg === 'event quarantined: not evaluated')).toEqual([]);
    expect((await readFile(join(world.stateDir, 'quarantine.ndjson'), 'utf8')).trim().split('\n')).toHaveLength(3);
    expect([...world.delivered().values()]).toEqual([1, 1]);
  });

  it('records that cannot be read at all (a broken line, a record with nothing to identify it) are quarantined too', async () => {
    world = await makeWorld({ rules: [{ builtin: 'root-console-login' }] });
    const good = rootLogin(ago(60_000));
    const file = join(world.work, 'mixed.ndjson');
    await writeFile(file, [JSON.stringify(good), '{"EventId": oops}', JSON.stringify({ CloudAuditEvent: '', EventName: 'DeleteBucket' }), ''].join('\n'));
    const r = await world.check(['--input', file, '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).map((a) => a.event.id)).toEqual([good.EventId]);
    expect(logLines(r.stderr).find((l) => l.msg === 'check done')).toMatchObject({ events: 1, quarantined: 2 });
    const lines = (await readFile(join(world.stateDir, 'quarantine.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.reason)).toEqual([expect.stringMatching(/mixed\.ndjson:2: not JSON/), expect.stringMatching(/mixed\.ndjson:3: .*no EventId/)]);
  });

  it('audit events prints every good event and warns for the rest', async () => {
    const now = Date.now();
    const good = rootLogin(ago(60_000, now));
    const bad = poisoned(ago(50_000, now), deep);
    world = await makeWorld({ events: [good, bad] });
    const r = await world.spawn(['events', '--since', '10m', '--output', 'json']).done;
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).map((e) => e.id)).toEqual([good.EventId]);
    expect(logLines(r.stderr).find((l) => l.event === bad.EventId)?.reason).toMatch(/deeper than 64/);
  });

  it('bidi and zero-width characters in event text are shown escaped in text alerts and event lines', async () => {
    world = await makeWorld({ rules: [{ builtin: 'root-console-login' }] });
    const login = rootLogin(ago(60_000), { userName: 'root\u202egnp.exe\u200b', sourceIp: '198.51.100.9' });
    const file = join(world.work, 'one.ndjson');
    await writeFile(file, `${JSON.stringify(login)}\n`);
    for (const args of [['check', '--input', file, '--no-state', '--output', 'text'], ['events', '--input', file, '--output', 'text']]) {
      const r = await world.spawn(args).done;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(/[\u202e\u200b]/);
      expect(r.stdout).toContain('root\\u202egnp.exe\\u200b');
    }
  });

  it('a record with no event id and an empty CloudAuditEvent (a published DescribeEvents sample) is evaluated', async () => {
    const now = Date.now();
    const sample = {
      CloudAuditEvent: '',
      Username: 'ops-bot',
      EventTime: String(Math.floor((now - 60_000) / 1000)),
      EventName: 'TerminateInstances',
      EventSource: 'cvm.tencentcloudapi.com',
      RequestID: '6c3e2b7a-4f5d-4a8e-9b21-0d6f1e2a3b4c',
      AccountID: 100012345678,
      SourceIPAddress: '198.51.100.41',
      Resources: { ResourceType: 'instance', ResourceName: 'instance/ins-a|instance/ins-b' },
      ResourceRegion: 'ap-guangzhou',
      ErrorCode: 0,
    } as unknown as ApiEvent;
    // The sample names its region only as ResourceRegion, so the emulator answers it in every region.
    world = await makeWorld({ events: [sample], rules: [{ builtin: 'resource-deletion' }], emulator: { regionFilter: false } });
    const first = await world.check(['--output', 'json']);
    expect(first.code, first.stderr).toBe(0);
    const [alert, ...more] = jsonLines(first.stdout);
    expect(more).toEqual([]);
    expect(alert.rule.id).toBe('resource-deletion');
    expect(alert.event.resources.map((r: { name: string }) => r.name)).toEqual(['ins-a', 'ins-b']);
    expect((await world.check(['--output', 'json'])).stdout).toBe('');
  });
});
