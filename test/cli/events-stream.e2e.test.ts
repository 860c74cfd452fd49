// `audit events` prints page by page, so a reader that stops (`| head -1`, --limit) stops the fetch.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeEvent, startEmulator, type ApiEvent, type Emulator } from '../helpers/emulator/index.js';
import { writeEmulatorConfig } from './emulator-config.js';
import { CLI, GUARD_MARK, ndjson, ROOT, sandbox, stackLines, type Sandbox } from './run-cli.js';

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

/** 30 pages of 50 in the last hour, which is one slice: its pages can only come one after another. */
function thirtyPages(): ApiEvent[] {
  const start = Date.now() - 50 * 60_000;
  return Array.from({ length: 1500 }, (_, i) => makeEvent({ name: 'DescribeVpcs', time: new Date(start + i * 1000) }));
}

/**
 * What `audit events ... | head -1` does to the CLI: read one line, then close the pipe. The
 * child runs as run-cli.ts runs it (the built CLI, the network guard), but this reader hangs up.
 */
async function firstLineThenHangUp(args: string[]): Promise<{ line: string; code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const guard = pathToFileURL(path.join(ROOT, 'test', 'cli', 'guard-network.mjs')).href;
  const child = spawn(process.execPath, ['--import', guard, CLI, ...args], { cwd: box.dir, env: box.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let line = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    const nl = out.indexOf('\n');
    if (nl !== -1 && !line) {
      line = out.slice(0, nl);
      child.stdout.destroy();
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
    });
    return { line, code, signal, stderr };
  } finally {
    clearTimeout(timer);
  }
}

describe('audit events: streaming', () => {
  it('| head -1: the first page is printed as it arrives; the closed pipe stops the fetch and the CLI exits 0 quietly', async () => {
    emu = await startEmulator({ events: thirtyPages() });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url });
    const r = await firstLineThenHangUp(['events', '--since', '1h', '--output', 'json', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.signal).toBeNull();
    expect(ndjson(r.line)).toHaveLength(1);
    expect(r.stderr).toBe('');
    expect(stackLines(r.stderr)).toEqual([]);
    // The page printed, and at most the one asked for while the pipe was being closed.
    expect(emu.requests.length).toBeGreaterThanOrEqual(1);
    expect(emu.requests.length).toBeLessThanOrEqual(3);
    expect(emu.requests.every((q) => q.errorCode === null)).toBe(true);
  });

  it('| head -1 on text output takes the header and stops as well', async () => {
    emu = await startEmulator({ events: thirtyPages() });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url });
    const r = await firstLineThenHangUp(['events', '--since', '1h', '--output', 'text', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.line).toMatch(/^TIME\s+EVENT/);
    expect(r.stderr).toBe('');
    expect(emu.requests.length).toBeLessThanOrEqual(3);
  });

  it('--limit 10 prints ten events of the first page and fetches no other', async () => {
    emu = await startEmulator({ events: thirtyPages() });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url });
    const r = await box.run(['events', '--since', '1h', '--limit', '10', '--output', 'json', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    const events = ndjson(r.stdout) as { time: string }[];
    expect(events).toHaveLength(10);
    expect(events.map((e) => e.time)).toEqual(events.map((e) => e.time).sort());
    expect(emu.requests.map((q) => [q.eventCount, q.listOver])).toEqual([[50, false]]);
    expect(r.stderr).not.toContain(GUARD_MARK);
  });

  it('without a reader that stops, every page is fetched and printed, newest page first, each in time order', async () => {
    const api = thirtyPages().slice(0, 120);
    emu = await startEmulator({ events: api });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url });
    const r = await box.run(['events', '--since', '1h', '--output', 'json', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    const times = (ndjson(r.stdout) as { time: string }[]).map((e) => e.time);
    expect(times).toHaveLength(120);
    const pages = [times.slice(0, 50), times.slice(50, 100), times.slice(100)];
    for (const page of pages) expect(page).toEqual([...page].sort());
    expect(pages[0][0] > pages[1].at(-1)! && pages[1][0] > pages[2].at(-1)!).toBe(true);
    expect(emu.requests.map((q) => q.eventCount)).toEqual([50, 50, 20]);
  });
});
