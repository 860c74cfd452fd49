import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLines, logLines } from '../helpers/cli.js';
import { ago, makeWorld, rootLogin, type World } from '../pipeline/harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('audit outbox', () => {
  it('list shows what waits and why; retry delivers it; drop gives up on a notifier deliberately', async () => {
    world = await makeWorld({ events: [rootLogin(ago(60_000))], rules: [{ builtin: 'root-console-login' }] });
    const w = world;
    w.refuseHook(4, 503); // every attempt of the run
    expect((await w.check([])).code).toBe(1);

    const listed = await w.spawn(['outbox', 'list', '--output', 'json']).done;
    expect(listed.code, listed.stderr).toBe(0);
    const [entry, ...more] = jsonLines(listed.stdout);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ rule: { id: 'root-console-login' }, pending: [{ notifier: 'hook', attempts: 1, lastError: expect.stringMatching(/503/) }] });
    const text = await w.spawn(['outbox', 'list', '--output', 'text']).done;
    expect(text.stdout).toMatch(/^ALERT\s+RULE\s+SEVERITY\s+NOTIFIER\s+ATTEMPTS\s+SINCE\s+LAST ERROR$/m);
    expect(text.stdout).toMatch(new RegExp(`^${entry.id.slice(0, 12)}\\s+root-console-login\\s+critical\\s+hook\\s+1\\s`, 'm'));

    const retried = await w.spawn(['outbox', 'retry', entry.id]).done;
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toBe('delivered 1, still pending 0\n');
    expect(w.delivered().get(entry.id)).toBe(1);
    expect((await w.spawn(['outbox', 'list', '--output', 'json']).done).stdout).toBe('');

    const unknown = await w.spawn(['outbox', 'drop', 'nobody']).done;
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/nothing pending for nobody/);
  });

  it('a renamed notifier keeps its pending deliveries (warned each run) until they are dropped', async () => {
    world = await makeWorld({ events: [rootLogin(ago(60_000))], rules: [{ builtin: 'root-console-login' }] });
    const w = world;
    w.refuseHook(10, 503);
    expect((await w.check([])).code).toBe(1);
    const config = JSON.parse(await readFile(w.config, 'utf8'));
    config.notifiers[0].name = 'renamed';
    await writeFile(w.config, JSON.stringify(config));

    for (let run = 0; run < 2; run++) {
      const r = await w.check([]);
      expect(r.code, r.stderr).toBe(0);
      expect(logLines(r.stderr).filter((l) => l.level === 'warn' && l.notifier === 'hook').map((l) => l.msg)).toEqual([expect.stringMatching(/no longer configured; kept in the outbox/)]);
    }
    expect(jsonLines((await w.spawn(['outbox', 'list', '--output', 'json']).done).stdout)).toHaveLength(1);
    const dropped = await w.spawn(['outbox', 'drop', 'hook']).done;
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(dropped.stdout).toBe('dropped 1 pending delivery\n');
    expect((await w.spawn(['outbox', 'list', '--output', 'json']).done).stdout).toBe('');
    expect(logLines((await w.check([])).stderr).filter((l) => l.level === 'warn')).toEqual([]);
  });
});
