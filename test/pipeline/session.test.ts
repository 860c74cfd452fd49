import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { prepareRules } from '../../src/config/validate.js';
import { checkSession, runCheck, type CheckRequest } from '../../src/pipeline.js';
import { createLogger } from '../../src/util/logger.js';
import { startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY, type Emulator } from '../helpers/emulator/index.js';
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
    const path = join(work, 'audit.yaml');
    const text = JSON.stringify({
      source: { endpoint: emulator.url, credentials: { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY } },
      rules: [{ builtin: 'root-console-login' }],
      notifiers: [],
      state: { dir: join(work, 'state') },
    });
    const loaded = { config: parseConfig(text, {}, path), path, baseDir: work };
    let out = '';
    const stdout = new Writable({ write: (chunk, _e, cb) => ((out += String(chunk)), cb()) });
    const deps = { logger: createLogger('silent'), env: {}, now: () => new Date(), stdout, cwd: work };
    const req: CheckRequest = { output: 'json', dryRun: false, noState: false, failOnMatch: false, lockTimeoutMs: 5_000 };
    const ids = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l).event.id as string);

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
