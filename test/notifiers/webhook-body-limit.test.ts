import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeAlert } from './alerts.js';
import { build } from './setup.js';

/** Answers every request with `status` and a body that never ends, as fast as the client reads. */
let server: Server;
let base: string;
let status = 200;
let closed = 0;
const CHUNK = Buffer.alloc(64 * 1024, '{"errcode":0,"padding":"xxxxxxxx"}');

beforeEach(async () => {
  closed = 0;
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(status, { 'content-type': 'application/json' });
    const pump = () => {
      while (!res.destroyed && res.write(CHUNK));
    };
    res.on('drain', pump);
    res.on('close', () => closed++);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

/** Peak RSS while `run` is in progress, sampled every 20 ms. */
async function peakRss<T>(run: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const value = await run();
    return { value, peak: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

async function until(cond: () => boolean, ms = 3000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end && !cond(); ) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

describe('webhook response bodies are read up to 64 KiB', () => {
  it('an endless 200 body: delivered by its status, socket dropped, memory flat', async () => {
    const { notifier } = build({ type: 'webhook', url: `${base}/ingest`, timeout: '60s' });
    const started = Date.now();
    const { value: results, peak } = await peakRss(() => notifier.send([makeAlert(), makeAlert({ id: 'a2' })]));
    expect(results).toEqual([
      { alertId: 'a1', ok: true },
      { alertId: 'a2', ok: true },
    ]);
    // Ended by the cap, long before the 60 s timeout could.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await until(() => closed === 2)).toBe(true);
    expect(peak).toBeLessThan(200 * 1024 * 1024);
  });

  it('an endless 200 body a chat robot cannot be judged by: a failure with a short excerpt', async () => {
    const { notifier } = build({ type: 'webhook', format: 'dingtalk', url: `${base}/robot/send?access_token=t0k3n-value`, timeout: '60s' });
    const [result] = await notifier.send([makeAlert()]);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^HTTP 200, unexpected DingTalk response: \{"errcode":0,"padding"/);
    expect(result.error!.length).toBeLessThan(300);
  });

  it('an endless 500 body is retried, and each attempt stops at the cap', async () => {
    status = 500;
    try {
      const { notifier, delays } = build({ type: 'webhook', url: `${base}/ingest`, timeout: '60s' }, { retry: { retries: 2 } });
      const [result] = await notifier.send([makeAlert()]);
      expect(result).toEqual({ alertId: 'a1', ok: false, error: 'HTTP 500' });
      expect(delays).toHaveLength(2);
      expect(await until(() => closed === 3)).toBe(true);
    } finally {
      status = 200;
    }
  });
});
