import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareRules } from '../../src/config/validate.js';
import { checkSession, runCheck } from '../../src/pipeline.js';
import { startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY, type Emulator } from '../helpers/emulator/index.js';
import { inProcessCheck } from '../helpers/in-process.js';
import { rootLogin } from './harness.js';

let emulator: Emulator | undefined;
let work: string | undefined;
afterEach(async () => {
  await emulator?.close();
  if (work) await rm(work, { recursive: true, force: true });
  emulator = work = undefined;
});

describe('checkSession (audit watch)', () => {
  it('keeps the state in memory between runs, and reads it again when another process saved it', async () => {
    const now = Date.now();
    const first = rootLogin(new Date(now - 60_000), { sourceIp: '198.51.100.1' });
    emulator = await startEmulator({ events: [first] });
    work = await mkdtemp(join(tmpdir(), 'audit-session-'));
    const check = inProcessCheck(work, { source: { endpoint: emulator.url, credentials: { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY } } });
    const { deps, loaded, req } = check;
    const ids = () => check.printed().map((a) => a.event.id);

    const session = checkSession(deps, loaded, await prepareRules(loaded));
    expect((await session.run(req)).code).toBe(0);
    expect(ids()).toEqual([first.EventId]);

    // A manual `audit check` in between raises the next login and saves the state.
    const second = rootLogin(new Date(Date.now() - 1_000), { sourceIp: '198.51.100.2' });
    emulator.addEvents([second]);
    expect((await runCheck(deps, loaded, req)).code).toBe(0);
    expect(ids()).toEqual([first.EventId, second.EventId]);

    // The watcher's next tick must see that run's state, not its own older copy.
    expect((await session.run(req)).code).toBe(0);
    expect((await session.run(req)).code).toBe(0);
    expect(ids()).toEqual([first.EventId, second.EventId]);
  });
});
