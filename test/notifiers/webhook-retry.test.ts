import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { makeAlert } from './alerts.js';
import { build } from './setup.js';

let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver();
});
afterEach(() => rx.close());

const json = () => ({ type: 'webhook', url: rx.url('/hooks/audit') });
const ding = () => ({ type: 'webhook', format: 'dingtalk', url: rx.url('/dingtalk/robot/send?access_token=t') });

/** A port nothing listens on: bind one, note it, close it. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('webhook retries', () => {
  it('retries a 5xx with exponential backoff and succeeds', async () => {
    const { notifier, delays } = build(json());
    rx.script({ status: 503 }, { status: 502 });
    const [result] = await notifier.send([makeAlert()]);
    expect(result.ok).toBe(true);
    expect(rx.requests).toHaveLength(3);
    expect(delays).toEqual([1000, 2000]);
  });

  it('gives up after the configured number of retries', async () => {
    const { notifier, delays } = build(json(), { retry: { retries: 2, minDelayMs: 10, factor: 3 } });
    rx.script({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const [result] = await notifier.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: false, error: 'HTTP 500' });
    expect(rx.requests).toHaveLength(3);
    expect(delays).toEqual([10, 30]);
  });

  it('honours Retry-After on 429', async () => {
    const { notifier, delays } = build(json());
    rx.script({ status: 429, headers: { 'retry-after': '7' } });
    const [result] = await notifier.send([makeAlert()]);
    expect(result.ok).toBe(true);
    expect(delays).toEqual([7000]);
  });

  it('does not wait for a Retry-After beyond the cap: fails now, next run retries', async () => {
    const { notifier, delays } = build(json());
    rx.script({ status: 429, headers: { 'retry-after': '3600' } });
    const [result] = await notifier.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: false, error: 'HTTP 429 rate limited (retry after 3600s)' });
    expect(rx.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it.each([
    ['dingtalk', '/dingtalk/robot/send?access_token=t', { errcode: 130101, errmsg: 'send too fast' }],
    ['wecom', '/wecom/cgi-bin/webhook/send?key=k', { errcode: 45009, errmsg: 'api freq out of limit' }],
    ['feishu', '/feishu/open-apis/bot/v2/hook/abc', { code: 11232, msg: 'frequency limited' }],
  ])('retries %s rate-limit codes sent with HTTP 200', async (format, path, body) => {
    const { notifier, delays } = build({ type: 'webhook', format, url: rx.url(path) });
    rx.script({ status: 200, body });
    const [result] = await notifier.send([makeAlert()]);
    expect(result.ok).toBe(true);
    expect(rx.requests).toHaveLength(2);
    expect(delays).toEqual([1000]);
  });

  it('does not retry other 4xx', async () => {
    const { notifier, delays } = build(json());
    rx.script({ status: 403, body: 'forbidden' });
    const [result] = await notifier.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: false, error: 'HTTP 403: forbidden' });
    expect(rx.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('does not retry a permanent vendor error code', async () => {
    const { notifier } = build(ding());
    rx.script({ status: 200, body: { errcode: 300001, errmsg: 'token is not exist' } });
    const [result] = await notifier.send([makeAlert()]);
    expect(result.error).toBe('DingTalk errcode 300001: token is not exist');
    expect(rx.requests).toHaveLength(1);
  });

  it('abandons a stalled request at the timeout and retries it', async () => {
    const { notifier, delays } = build({ ...json(), timeout: '200ms' }, { retry: { retries: 1 } });
    rx.script({ stall: true }, { stall: true });
    const [result] = await notifier.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: false, error: 'timed out after 200ms' });
    expect(rx.requests).toHaveLength(2);
    expect(delays).toEqual([1000]);
  });

  it('retries connection errors', async () => {
    const port = await deadPort();
    const { notifier, delays } = build({ type: 'webhook', url: `http://127.0.0.1:${port}/x` }, { retry: { retries: 2 } });
    const [result] = await notifier.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: false, error: 'connection failed: ECONNREFUSED' });
    expect(delays).toEqual([1000, 2000]);
  });

  it('one failing alert does not stop the next', async () => {
    const { notifier } = build(json(), { retry: { retries: 0 } });
    rx.script({ status: 400, body: 'bad' });
    const results = await notifier.send([makeAlert({ id: 'a1' }), makeAlert({ id: 'a2' })]);
    expect(results.map((r) => [r.alertId, r.ok])).toEqual([['a1', false], ['a2', true]]);
  });

  it('stops waiting when the run is aborted during a backoff', async () => {
    const controller = new AbortController();
    // The run is cancelled while the retry waits: the wait ends at once with the abort reason.
    const sleep = (_ms: number, signal?: AbortSignal) => {
      controller.abort(new Error('shutting down'));
      return Promise.reject(signal!.reason);
    };
    const { notifier } = build(json(), { retry: { sleep } });
    rx.script({ status: 503 });
    const [result] = await notifier.send([makeAlert()], controller.signal);
    expect(result).toEqual({ alertId: 'a1', ok: false, error: 'shutting down' });
    expect(rx.requests).toHaveLength(1);
  });
});
