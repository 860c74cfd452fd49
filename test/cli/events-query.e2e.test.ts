// `audit events` as a query tool: filters pushed down to the API or applied here, csv, --limit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeEvent, startEmulator, type ApiEvent, type Emulator } from '../helpers/emulator/index.js';
import { writeEmulatorConfig } from './emulator-config.js';
import { ndjson, sandbox, type Sandbox } from './run-cli.js';

let box: Sandbox;
let emu: Emulator | undefined;
beforeEach(async () => {
  box = await sandbox();
});
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  await box.cleanup();
});

function mixed(): ApiEvent[] {
  const now = Date.now();
  const at = (minutes: number) => new Date(now - minutes * 60_000);
  return [
    makeEvent({ name: 'DeleteBucket', time: at(30), actorType: 'CAMUser', userName: 'alice', secretId: 'AKIDALICE0000000000000000000000000000', service: 'cos', sourceIp: '10.1.2.3' }),
    makeEvent({ name: 'DeleteBucket', time: at(29), actorType: 'CAMUser', userName: 'bob', secretId: 'AKIDBOB00000000000000000000000000000', service: 'cos', sourceIp: '203.0.113.5' }),
    makeEvent({ name: 'DescribeInstances', time: at(28), actorType: 'CAMUser', userName: 'alice', secretId: 'AKIDALICE0000000000000000000000000000', sourceIp: '10.1.2.4' }),
    makeEvent({ name: 'DeleteSecurityGroup', time: at(27), actorType: 'CAMUser', userName: 'alice', secretId: 'AKIDALICE0000000000000000000000000000', errorCode: 'ResourceInUse', sourceIp: '10.1.2.5' }),
    ...Array.from({ length: 120 }, (_, i) => makeEvent({ name: 'DescribeVpcs', time: at(20 - i * 0.1), actorType: 'CAMUser', userName: 'carol' })),
  ];
}

describe('audit events: filters', () => {
  it('pushes exact names, the user and writes down into LookupAttributes; globs, CIDRs and errors are applied here', async () => {
    emu = await startEmulator({ events: mixed() });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url });
    const pushed = await box.run(['events', '--since', '1h', '--name', 'DeleteBucket', '--user', 'alice', '--writes', '--output', 'json', '--config', config]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(ndjson(pushed.stdout).map((e: any) => [e.name, e.actor.name])).toEqual([['DeleteBucket', 'alice']]);
    expect(emu.requests.map((r) => r.params.LookupAttributes)).toEqual([
      [
        { AttributeKey: 'EventName', AttributeValue: 'DeleteBucket' },
        { AttributeKey: 'Username', AttributeValue: 'alice' },
        { AttributeKey: 'ReadOnly', AttributeValue: 'false' },
      ],
    ]);

    const before = emu.requests.length;
    const local = await box.run(['events', '--since', '1h', '--name', 'Delete*', '--ip', '10.0.0.0/8', '--errors', '--output', 'json', '--config', config]);
    expect(local.code, local.stderr).toBe(0);
    expect(ndjson(local.stdout).map((e: any) => e.name)).toEqual(['DeleteSecurityGroup']);
    expect(emu.requests.slice(before).every((r) => r.params.LookupAttributes === undefined)).toBe(true);
  });

  it('--limit prints that many events from the first page (the newest, in time order) and stops there', async () => {
    emu = await startEmulator({ events: mixed() });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url });
    const r = await box.run(['events', '--since', '1h', '--limit', '3', '--output', 'json', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    const shown = ndjson(r.stdout) as { name: string; time: string }[];
    expect(shown.map((e) => e.name)).toEqual(['DescribeVpcs', 'DescribeVpcs', 'DescribeVpcs']);
    expect(shown.map((e) => e.time)).toEqual(shown.map((e) => e.time).sort());
    // Three pages hold the 124 events; the one that had the three was the only one fetched.
    expect(emu.requests.map((q) => q.eventCount)).toEqual([50]);
  });

  it('csv has a header and one row per event; a cell a spreadsheet would run is defused', async () => {
    emu = await startEmulator({ events: [makeEvent({ name: 'DeleteBucket', time: new Date(Date.now() - 60_000), actorType: 'CAMUser', userName: '=HYPERLINK("x")' })] });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url });
    const r = await box.run(['events', '--since', '1h', '--output', 'csv', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    const [header, row, ...rest] = r.stdout.trimEnd().split('\n');
    expect(rest).toEqual([]);
    expect(header).toBe('time,name,service,region,account,actor_type,actor,access_key,source_ip,error,resources,id');
    expect(row).toContain(`,DeleteBucket,`);
    expect(row).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('a bad --ip or --limit is a usage error before any API call', async () => {
    emu = await startEmulator({ events: [] });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url });
    for (const args of [['--ip', '10.0.0.0/99'], ['--limit', '0']]) {
      const r = await box.run(['events', '--since', '1h', ...args, '--config', config]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
    }
    expect(emu.requests).toHaveLength(0);
  });
});
