import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alive } from '../helpers/process.js';
import { makeAlert } from './alerts.js';
import { build } from './setup.js';

/**
 * The exec notifier's program leads its own process group: on timeout or close the whole group
 * dies, so nothing it started can act later. The canary is written by a grandchild after a
 * delay; if the grandchild survived, the canary would appear.
 */
const CANARY_DELAY_MS = 1500;
let dir: string;
let pids: string;
let canary: string;
let program: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-exec-group-'));
  pids = join(dir, 'pids.json');
  canary = join(dir, 'canary');
  program = join(dir, 'spawner.mjs');
  // MODE=hang keeps the program running; MODE=exit leaves the grandchild behind and exits 0.
  writeFileSync(
    program,
    `import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const later = "setTimeout(() => require('fs').writeFileSync(process.env.CANARY, 'alive'), ${CANARY_DELAY_MS})";
const grandchild = spawn(process.execPath, ['-e', later], { stdio: 'ignore' });
grandchild.unref();
writeFileSync(process.env.PID_FILE, JSON.stringify({ child: process.pid, grandchild: grandchild.pid }));
if (process.env.MODE === 'hang') setInterval(() => {}, 1000);
`,
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));


/** The pids the program wrote, once the file is complete. */
function readPids(): { child: number; grandchild: number } | undefined {
  try {
    return JSON.parse(readFileSync(pids, 'utf8'));
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end && !cond(); ) await sleep(20);
  return cond();
}

function notifier(mode: 'hang' | 'exit', timeout: string) {
  const env = { ...process.env, MODE: mode, PID_FILE: pids, CANARY: canary };
  return build({ type: 'exec', command: [process.execPath, program], timeout }, { env }).notifier;
}

/** Both processes gone, and still no canary well after the grandchild would have written it. */
async function expectNoSurvivors(): Promise<void> {
  const { child, grandchild } = readPids()!;
  expect(await until(() => !alive(child) && !alive(grandchild))).toBe(true);
  await sleep(CANARY_DELAY_MS + 500);
  expect(existsSync(canary)).toBe(false);
}

describe('exec notifier process groups', () => {
  it('the timeout kills the program and its grandchild', async () => {
    const n = notifier('hang', '500ms');
    const [result] = await n.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: false, error: 'timed out after 500ms (process group killed)' });
    await expectNoSurvivors();
  });

  it('closing the notifier kills what a finished program left running', async () => {
    const n = notifier('exit', '10s');
    const [result] = await n.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: true });
    const { grandchild } = readPids()!;
    expect(alive(grandchild)).toBe(true);
    await n.close!();
    await expectNoSurvivors();
  });

  it('closing the notifier mid-run kills the running program and fails its alert', async () => {
    const n = notifier('hang', '30s');
    const sending = n.send([makeAlert(), makeAlert({ id: 'a2' })]);
    expect(await until(() => readPids() !== undefined)).toBe(true);
    await n.close!();
    expect(await sending).toEqual([
      { alertId: 'a1', ok: false, error: 'notifier closed (process group killed)' },
      { alertId: 'a2', ok: false, error: 'notifier closed' },
    ]);
    await expectNoSurvivors();
  });

  it('keeps at most 64 KiB of each output stream and reports the end of stderr', async () => {
    const flood = join(dir, 'flood.mjs');
    // 32 MiB on each stream, then a last line that must survive the trimming.
    writeFileSync(
      flood,
      "const mb = 'x'.repeat(1 << 20) + '\\n';\nfor (let i = 0; i < 32; i++) { process.stdout.write(mb); process.stderr.write(mb); }\nprocess.stderr.write('the last words\\n', () => process.exit(4));\n",
    );
    const { notifier: n } = build({ type: 'exec', command: [process.execPath, flood], timeout: '20s' });
    const before = process.memoryUsage().rss;
    const [result] = await n.send([makeAlert()]);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^exit code 4: x+ the last words$/);
    expect(result.error!.length).toBeLessThan(600);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });
});
