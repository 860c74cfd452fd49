import { afterEach, describe, expect, it } from 'vitest';
import { logLines } from '../helpers/cli.js';
import { ago, makeWorld, rootLogin, until, type World } from '../pipeline/harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('audit check under SIGTERM and SIGINT', () => {
  it('SIGTERM during delivery: the delivery under way finishes, the state is saved, exit 143; nothing is sent twice', async () => {
    const logins = [0, 1, 2].map((i) => rootLogin(ago(60_000 - i * 1000), { sourceIp: `198.51.100.${i + 1}` }));
    world = await makeWorld({ events: logins, rules: [{ builtin: 'root-console-login' }] });
    const w = world;
    // The second alert's delivery takes 1.5 s (the webhook timeout is 2 s): the stop arrives while it is under way.
    w.receiver.script({ status: 200, body: {} }, { delayMs: 1_500 });
    const proc = w.spawn(['check']);
    await until(() => w.receiver.requests.length === 2);
    proc.child.kill('SIGTERM');
    const result = await proc.done;
    expect(result.code, result.stderr).toBe(143);
    expect(logLines(result.stderr).some((l) => l.msg?.startsWith('stopping:') && l.signal === 'SIGTERM')).toBe(true);
    expect(await w.checkpoint()).toBeDefined();

    const next = await w.check([]);
    expect(next.code, next.stderr).toBe(0);
    const counts = [...w.delivered().values()];
    expect(counts).toHaveLength(3);
    expect(counts.every((n) => n === 1)).toBe(true);
  });

  it('SIGINT while fetching: nothing is delivered, the raised alerts wait in the outbox, exit 130', async () => {
    world = await makeWorld({ events: [rootLogin(ago(60_000))], rules: [{ builtin: 'root-console-login' }], emulator: { latencyMs: 2_000 }, source: { timeout: '5s' } });
    const w = world;
    const proc = w.spawn(['check']);
    await until(() => w.emulator.requests.length === 1);
    proc.child.kill('SIGINT');
    const result = await proc.done;
    expect(result.code, result.stderr).toBe(130);
    expect(w.delivered().size).toBe(0);
    const next = await w.check([]);
    expect(next.code, next.stderr).toBe(0);
    expect([...w.delivered().values()]).toEqual([1]);
  });
});
