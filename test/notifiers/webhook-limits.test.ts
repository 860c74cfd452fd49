import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetPacing } from '../../src/notifiers/webhook/pace.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { makeAlert } from './alerts.js';
import { build } from './setup.js';

let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver();
  resetPacing();
});
afterEach(() => rx.close());

describe('chat robot limits', () => {
  it('DingTalk: the 21st message within a minute waits until the oldest of the last 20 is a minute old', async () => {
    let clock = Date.parse('2026-11-20T03:05:00Z');
    const waits: number[] = [];
    const { notifier } = build(
      { type: 'webhook', format: 'dingtalk', url: rx.url('/dingtalk/robot/send?access_token=t') },
      { now: () => new Date(clock), retry: { sleep: async (ms: number) => void (waits.push(ms), (clock += ms)) } },
    );
    const alerts = Array.from({ length: 22 }, (_, i) => makeAlert({ id: `a${i}` }));
    const sent: number[] = [];
    for (const alert of alerts) {
      const [r] = await notifier.send([alert]);
      expect(r.ok).toBe(true);
      sent.push(clock);
      clock += 1000;
    }
    expect(rx.requests).toHaveLength(22);
    expect(waits).toEqual([40_000]);
    // Any 60-second span holds at most 20 sends.
    for (let i = 20; i < sent.length; i++) expect(sent[i] - sent[i - 20]).toBeGreaterThanOrEqual(60_000);
  });

  it('json webhooks are not paced', async () => {
    const waits: number[] = [];
    const { notifier } = build({ type: 'webhook', format: 'json', url: rx.url('/hooks/a') }, { retry: { sleep: async (ms: number) => void waits.push(ms) } });
    for (let i = 0; i < 25; i++) await notifier.send([makeAlert({ id: `a${i}` })]);
    expect(waits).toEqual([]);
  });

  it.each([
    ['dingtalk', '/dingtalk/robot/send?access_token=t', 16_000],
    ['wecom', '/wecom/cgi-bin/webhook/send?key=k', 4096],
    ['feishu', '/feishu/open-apis/bot/v2/hook/h', 20 * 1024],
  ])('%s: the largest possible message stays within the vendor limit', async (format, path, limit) => {
    const huge = '删'.repeat(5000);
    const alert = makeAlert({ summary: huge });
    alert.event.name = huge;
    alert.event.actor.name = huge;
    alert.event.resources = Array.from({ length: 50 }, () => ({ type: huge, name: huge }));
    alert.event.error = { code: huge, message: huge };
    alert.event.location = huge;
    alert.bundle = Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, rule: { id: huge, title: huge, severity: 'high' as const }, summary: huge }));
    const { notifier } = build({ type: 'webhook', format, url: rx.url(path) });
    const [r] = await notifier.send([alert]);
    expect(r.ok).toBe(true);
    expect(rx.requests[0].problems).toEqual([]);
    expect(Buffer.byteLength(rx.requests[0].raw)).toBeLessThanOrEqual(limit + 512);
  });
});
