import { readdir, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLines, logLines } from '../helpers/cli.js';
import { ago, makeWorld, quietCall, rootLogin, until, type World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('audit check: failures keep the state honest', () => {
  it('the API failing: exit 1 and the checkpoint stays; after recovery the missed alert is raised once', async () => {
    world = await makeWorld({ events: [quietCall(ago(120_000))], rules: [{ builtin: 'root-console-login' }] });
    const first = await world.check(['--output', 'json']);
    expect(first.code, first.stderr).toBe(0);
    const checkpoint = await world.checkpoint();
    expect(checkpoint).toBeDefined();

    const login = rootLogin(ago(10_000));
    world.emulator.addEvents([login]);
    const before = world.emulator.requests.length;
    // maxAttempts is 2 in the test config: both attempts of the one listing fail.
    world.emulator.failNext(2, { httpStatus: 500 });
    const failed = await world.check(['--output', 'json']);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/^audit: .*LookUpEvents failed.*HTTP 500/m);
    expect(world.emulator.requests.slice(before).map((r) => r.httpStatus)).toEqual([500, 500]);
    expect(await world.checkpoint()).toBe(checkpoint);
    expect(world.delivered().size).toBe(0);

    const recovered = await world.check(['--output', 'json']);
    expect(recovered.code, recovered.stderr).toBe(0);
    const alerts = jsonLines(recovered.stdout);
    expect(alerts.map((a) => a.event.id)).toEqual([login.EventId]);
    expect(Date.parse((await world.checkpoint())!)).toBeGreaterThan(Date.parse(checkpoint!));

    const again = await world.check(['--output', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('');
    expect([...world.delivered()]).toEqual([[alerts[0].id, 1]]);
  });

  it('the API failing on a later page: nothing is lost or doubled, the next run raises every alert once', async () => {
    const now = Date.now();
    const newest = rootLogin(ago(5_000, now), { userName: 'root', sourceIp: '198.51.100.1' });
    const oldest = rootLogin(ago(600_000, now), { sourceIp: '198.51.100.2' });
    // Newest first, 50 a page: the two logins are on the first and the third page.
    const filler = Array.from({ length: 110 }, (_, i) => quietCall(ago(10_000 + i * 4_000, now)));
    world = await makeWorld({ events: [newest, ...filler, oldest], emulator: { latencyMs: 300 }, rules: [{ builtin: 'root-console-login' }] });
    const w = world;
    const run = w.check(['--output', 'json']);
    // Once the first page is answered, script the failures for the next requests (they wait out the latency first).
    await until(() => w.emulator.requests[0]?.httpStatus === 200);
    w.emulator.failNext(2, { httpStatus: 502 });
    const failed = await run;
    expect(failed.code, failed.stderr).toBe(1);
    expect(w.emulator.requests.map((r) => r.httpStatus)).toEqual([200, 502, 502]);
    expect(await w.checkpoint()).toBeUndefined();

    const next = await w.check(['--output', 'json']);
    expect(next.code, next.stderr).toBe(0);
    const raised = [...jsonLines(failed.stdout), ...jsonLines(next.stdout)].map((a) => a.event.id).sort();
    expect(raised).toEqual([newest.EventId, oldest.EventId].sort());
    expect(await w.checkpoint()).toBeDefined();
    const last = await w.check(['--output', 'json']);
    expect(last.stdout).toBe('');
    expect([...w.delivered().values()]).toEqual([1, 1]);
  });

  it('one region failing: the other region alerts and advances; the failed one catches up next run', async () => {
    const gz = rootLogin(ago(30_000), { region: 'ap-guangzhou' });
    const sh = rootLogin(ago(30_000), { region: 'ap-shanghai', sourceIp: '198.51.100.4' });
    world = await makeWorld({ events: [gz, sh], rules: [{ builtin: 'root-console-login' }], source: { region: undefined, regions: ['ap-guangzhou', 'ap-shanghai'] } });
    // Regions are fetched in turn: both attempts of the first (Guangzhou) fail.
    world.emulator.failNext(2, { code: 'InternalError' });
    const failed = await world.check(['--output', 'json']);
    expect(failed.code, failed.stderr).toBe(1);
    expect(world.emulator.requests.map((r) => [r.region, r.errorCode])).toEqual([
      ['ap-guangzhou', 'InternalError'],
      ['ap-guangzhou', 'InternalError'],
      ['ap-shanghai', null],
    ]);
    expect(jsonLines(failed.stdout).map((a) => a.event.id)).toEqual([sh.EventId]);
    const checkpoints = Object.fromEntries((await world.readState())!.checkpoints);
    expect(Object.keys(checkpoints)).toEqual(['tencentcloud/100000000001/ap-shanghai']);

    const next = await world.check(['--output', 'json']);
    expect(next.code, next.stderr).toBe(0);
    expect(jsonLines(next.stdout).map((a) => a.event.id)).toEqual([gz.EventId]);
    expect(Object.keys(Object.fromEntries((await world.readState())!.checkpoints)).sort()).toEqual(['tencentcloud/100000000001/ap-guangzhou', 'tencentcloud/100000000001/ap-shanghai']);
    expect([...world.delivered().values()]).toEqual([1, 1]);
  });

  it('the webhook answering 503: exit 1, the alert stays in the outbox and is delivered once when it is back', async () => {
    const login = rootLogin(ago(30_000));
    world = await makeWorld({ events: [login], rules: [{ builtin: 'root-console-login' }] });
    // The webhook tries 4 times (3 retries) per run: refuse them all.
    world.refuseHook(4, 503);
    const first = await world.check();
    expect(first.code, first.stderr).toBe(1);
    expect(world.receiver.requests).toHaveLength(4);
    expect(world.delivered().size).toBe(0);
    const state = await world.readState();
    expect(state?.outbox.map((e) => [e.alert.event.id, e.pending.map((p) => p.notifier)])).toEqual([[login.EventId, ['hook']]]);
    expect(state?.outbox[0].pending[0].lastError).toMatch(/503/);
    expect(logLines(first.stderr).find((l) => l.msg === 'check done')).toMatchObject({ alerts: 1, delivered: 0, pending: 1 });

    // The event is not raised again (no new alert), but the pending one goes out.
    const second = await world.check();
    expect(second.code, second.stderr).toBe(0);
    expect(logLines(second.stderr).find((l) => l.msg === 'check done')).toMatchObject({ alerts: 0, delivered: 1, pending: 0 });
    expect((await world.readState())?.outbox).toEqual([]);

    const third = await world.check();
    expect(third.code, third.stderr).toBe(0);
    const alertId = state!.outbox[0].alert.id;
    expect([...world.delivered()]).toEqual([[alertId, 1]]);
    expect(world.receiver.requests).toHaveLength(5);
  });

  it('a corrupt state file: a warning names it, the run completes and the file is moved aside', async () => {
    world = await makeWorld({ events: [rootLogin(ago(30_000))], rules: [{ builtin: 'root-console-login' }] });
    const first = await world.check();
    expect(first.code, first.stderr).toBe(0);
    await writeFile(world.stateFile, '{"version":1, this is not json');

    const run = await world.check();
    expect(run.code, run.stderr).toBe(0);
    const warning = logLines(run.stderr).find((l) => l.level === 'warn' && String(l.msg).includes(world!.stateFile));
    expect(warning, run.stderr).toBeDefined();
    const files = await readdir(world.stateDir);
    expect(files.filter((f) => /^state\.json\.corrupt-/.test(f))).toHaveLength(1);
    expect(files).toContain('state.json');
    // The fresh state is valid and usable by the next run.
    expect(await world.checkpoint()).toBeDefined();
    const next = await world.check();
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).not.toMatch(/unusable/);
  });
});
