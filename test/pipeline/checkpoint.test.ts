import { afterEach, describe, expect, it } from 'vitest';
import { jsonLines } from '../helpers/cli.js';
import { ago, makeWorld, quietCall, rootLogin, type World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const rules = [{ builtin: 'root-console-login' }];
const MIN = 60_000;
const eventIds = (stdout: string) => jsonLines(stdout).map((a) => a.event.id as string);

describe('audit check: checkpoints and explicit ranges', () => {
  it('an explicit --since that starts after the checkpoint does not carry the checkpoint over the gap', async () => {
    const now = Date.now();
    const inGap = rootLogin(ago(20 * MIN, now));
    // Short lateness so the gap is not covered by it.
    world = await makeWorld({ events: [quietCall(ago(50 * MIN, now))], rules, source: { lateness: '1m' } });
    const old = await world.check(['--until', new Date(now - 40 * MIN).toISOString()]);
    expect(old.code, old.stderr).toBe(0);
    const checkpoint = await world.checkpoint();
    expect(checkpoint).toBe(new Date(now - 40 * MIN).toISOString());

    world.emulator.addEvents([inGap]);
    // Only the last five minutes: the login 20 minutes ago is not in this range.
    const recent = await world.check(['--since', '5m', '--output', 'json']);
    expect(recent.code, recent.stderr).toBe(0);
    expect(recent.stdout).toBe('');
    expect(await world.checkpoint()).toBe(checkpoint);

    // The next scheduled run starts from the checkpoint and finds it.
    const next = await world.check(['--output', 'json']);
    expect(next.code, next.stderr).toBe(0);
    expect(eventIds(next.stdout)).toEqual([inGap.EventId]);
    expect(Date.parse((await world.checkpoint())!)).toBeGreaterThan(now);
  });

  it('re-checking an old range (--until in the past) does not move the checkpoint back', async () => {
    world = await makeWorld({ events: [rootLogin(ago(30 * MIN))], rules });
    const first = await world.check();
    expect(first.code, first.stderr).toBe(0);
    const checkpoint = await world.checkpoint();
    const recheck = await world.check(['--since', '2h', '--until', '1h']);
    expect(recheck.code, recheck.stderr).toBe(0);
    expect(await world.checkpoint()).toBe(checkpoint);
  });

  it('re-checking the last hours twice raises nothing the first re-check raised', async () => {
    const now = Date.now();
    const logins = [rootLogin(ago(150 * MIN, now)), rootLogin(ago(100 * MIN, now), { sourceIp: '198.51.100.3' })];
    world = await makeWorld({ events: [...logins, quietCall(ago(5 * MIN, now))], rules });
    const first = await world.check(['--since', '3h', '--output', 'json']);
    expect(first.code, first.stderr).toBe(0);
    expect(eventIds(first.stdout).sort()).toEqual(logins.map((l) => l.EventId).sort());
    const again = await world.check(['--since', '3h', '--output', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('');
    expect([...world.delivered().values()]).toEqual([1, 1]);
  });
});
