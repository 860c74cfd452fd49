import { afterEach, describe, expect, it } from 'vitest';
import { jsonLines, logLines } from '../helpers/cli.js';
import { makeEvent } from '../helpers/emulator/index.js';
import { ago, makeWorld, quietCall, rootLogin, type World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ruleIds = (stdout: string) => jsonLines(stdout).map((a) => a.rule.id as string).sort();

describe('audit check: overlapping runs raise each alert once', () => {
  it('a second run over the same events raises nothing, per-event or window alerts', async () => {
    const now = Date.now();
    const key = 'AKIDLEAKED00000000000000000000000000';
    world = await makeWorld({
      events: [
        rootLogin(ago(120_000, now)),
        makeEvent({ name: 'DeleteBucket', time: ago(100_000, now), actorType: 'CAMUser', service: 'cos', resourceName: 'logs' }),
        // 25 permission failures from one key within two minutes: access-denied-burst (a window rule).
        ...Array.from({ length: 25 }, (_, i) =>
          makeEvent({ name: 'DescribeInstances', time: ago(150_000 - i * 4000, now), actorType: 'CAMUser', secretId: key, errorCode: 'UnauthorizedOperation' }),
        ),
        quietCall(ago(30_000, now)),
      ],
    });

    const first = await world.check(['--output', 'json']);
    expect(first.code, first.stderr).toBe(0);
    const raised = ruleIds(first.stdout);
    expect(raised).toEqual(expect.arrayContaining(['access-denied-burst', 'resource-deletion', 'root-console-login']));
    const ids = jsonLines(first.stdout).map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...world.delivered().keys()].sort()).toEqual([...ids].sort());

    // From the checkpoint (minus lateness), and an explicit range covering everything again.
    const second = await world.check(['--output', 'json']);
    const third = await world.check(['--since', '30m', '--output', 'json']);
    for (const run of [second, third]) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe('');
      const done = logLines(run.stderr).find((l) => l.msg === 'check done');
      expect(done).toMatchObject({ alerts: 0, new: 0, events: 28 });
    }
    expect([...world.delivered().values()].every((n) => n === 1)).toBe(true);
    expect(world.delivered().size).toBe(ids.length);
  });

  it('an event that shows up late (time before the first run ended) alerts once, on the next run', async () => {
    world = await makeWorld({ events: [quietCall(ago(60_000))], rules: [{ builtin: 'root-console-login' }] });
    const first = await world.check(['--output', 'json']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    const checkpoint = await world.checkpoint();
    expect(checkpoint).toBeDefined();

    // Happened 20 s before the first run's end, visible only now: within lateness (15m).
    const late = rootLogin(new Date(Date.parse(checkpoint!) - 20_000));
    world.emulator.addEvents([late]);
    const second = await world.check(['--output', 'json']);
    expect(second.code, second.stderr).toBe(0);
    const alerts = jsonLines(second.stdout);
    expect(alerts.map((a) => [a.rule.id, a.event.id])).toEqual([['root-console-login', late.EventId]]);

    const third = await world.check(['--output', 'json']);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toBe('');
    expect([...world.delivered()]).toEqual([[alerts[0].id, 1]]);
  });
});
