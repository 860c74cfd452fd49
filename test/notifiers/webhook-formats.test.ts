import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { makeAlert } from './alerts.js';
import { build, NOW } from './setup.js';

const DING_SECRET = 'SEC0123456789abcdef0123456789abcdef';
const FEISHU_SECRET = 'feishu-secret-xyz';
let rx: Receiver;

beforeEach(async () => {
  rx = await startReceiver({ dingtalkSecret: DING_SECRET, feishuSecret: FEISHU_SECRET, now: () => NOW.getTime() });
});
afterEach(() => rx.close());

describe('dingtalk', () => {
  it('sends signed markdown with the key fields', async () => {
    const { notifier } = build({ type: 'webhook', format: 'dingtalk', url: rx.url('/dingtalk/robot/send?access_token=tok123'), secret: DING_SECRET });
    const [result] = await notifier.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: true });
    expect(rx.requests).toHaveLength(1);
    const req = rx.requests[0];
    expect(req.problems).toEqual([]);
    expect(req.query.timestamp).toBe(String(NOW.getTime()));
    expect(req.body.markdown.title).toContain('[HIGH] Resource deleted');
    for (const part of ['ops-bot deleted bucket', 'resource-deletion', 'ops-bot (CAMUser, 100000000002, account 100000000001)', '203.0.113.9', '2026-11-20 03:04:05 UTC', 'ev-a1', 'DeleteBucket']) {
      expect(req.body.markdown.text).toContain(part);
    }
  });

  it('fails with DingTalk\'s message when the signature is rejected (HTTP 200, errcode 310000), without retrying', async () => {
    const { notifier, delays } = build({ type: 'webhook', format: 'dingtalk', url: rx.url('/dingtalk/robot/send?access_token=tok123'), secret: 'SECwrong' });
    const [result] = await notifier.send([makeAlert()]);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^DingTalk errcode 310000: .*sign not match/);
    expect(result.error).not.toContain('SECwrong');
    expect(rx.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('keeps event text from adding links, headings or mentions', async () => {
    const { notifier } = build({ type: 'webhook', format: 'dingtalk', url: rx.url('/dingtalk/robot/send?access_token=t'), secret: DING_SECRET });
    const evil = makeAlert({ summary: 'deleted [click here](http://evil.example/x)\n# Pwned <font color=red>@all</font> | cell' });
    await notifier.send([evil]);
    const text: string = rx.requests[0].body.markdown.text;
    expect(text).not.toContain('](http://evil');
    expect(text).not.toMatch(/^# Pwned/m);
    expect(text).not.toContain('<font');
    expect(text).toContain('[click here］(http://evil.example/x) # Pwned ＜font color=red＞@all＜/font＞ ｜ cell');
  });
});

describe('wecom', () => {
  it('sends markdown within 4096 bytes, cut between characters', async () => {
    const { notifier } = build({ type: 'webhook', format: 'wecom', url: rx.url('/wecom/cgi-bin/webhook/send?key=k-1') });
    const long = '删除存储桶🪣👩‍👩‍👧'.repeat(120);
    const alert = makeAlert({ summary: long });
    alert.event.actor.name = long;
    alert.event.resources = Array.from({ length: 5 }, (_, i) => ({ type: 'cos', name: `${long}-${i}` }));
    alert.event.userAgent = long;
    alert.event.error = { code: long, message: long };
    const [result] = await notifier.send([alert]);
    expect(result.ok).toBe(true);
    const content: string = rx.requests[0].body.markdown.content;
    expect(rx.requests[0].problems).toEqual([]);
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(content)).toBeGreaterThan(3500);
    expect(content.endsWith('…')).toBe(true);
  });

  it('short alerts are sent whole', async () => {
    const { notifier } = build({ type: 'webhook', format: 'wecom', url: rx.url('/wecom/cgi-bin/webhook/send?key=k-1') });
    await notifier.send([makeAlert()]);
    const content: string = rx.requests[0].body.markdown.content;
    expect(content).toContain('<font color="warning">[HIGH] Resource deleted</font>');
    expect(content).toContain('> Who: <font color="comment">ops-bot');
    expect(content).toContain('[Open in the CloudAudit console](https://console.cloud.tencent.com/cloudaudit)');
    // No raw fingerprints in what people read.
    expect(content).not.toMatch(/[0-9a-f]{32}/);
  });

  it('treats HTTP 200 with errcode != 0 as a failure', async () => {
    const { notifier } = build({ type: 'webhook', format: 'wecom', url: rx.url('/wecom/cgi-bin/webhook/send?key=k-1') });
    rx.script({ status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } });
    const [result] = await notifier.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: false, error: 'WeCom errcode 93000: invalid webhook url' });
    expect(rx.requests).toHaveLength(1);
  });
});

describe('feishu', () => {
  it('sends a signed interactive card', async () => {
    const { notifier } = build({ type: 'webhook', format: 'feishu', url: rx.url('/feishu/open-apis/bot/v2/hook/0b9f1c2e-aaaa'), secret: FEISHU_SECRET });
    const [result] = await notifier.send([makeAlert({ severity: 'critical' })]);
    expect(result.ok).toBe(true);
    const body = rx.requests[0].body;
    expect(rx.requests[0].problems).toEqual([]);
    expect(body.timestamp).toBe(String(NOW.getTime() / 1000));
    expect(body.msg_type).toBe('interactive');
    expect(body.card.header).toEqual({ title: { tag: 'plain_text', content: '[CRITICAL] Resource deleted' }, template: 'red' });
    expect(JSON.stringify(body.card.elements)).toContain('203.0.113.9');
  });

  it('fails with Feishu\'s code when the signature is wrong', async () => {
    const { notifier } = build({ type: 'webhook', format: 'feishu', url: rx.url('/feishu/open-apis/bot/v2/hook/0b9f1c2e-aaaa'), secret: 'other' });
    const [result] = await notifier.send([makeAlert()]);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^Feishu code 19021: sign match fail/);
  });
});

describe('slack', () => {
  it('sends text and mrkdwn blocks with event text escaped', async () => {
    const { notifier } = build({ type: 'webhook', format: 'slack', url: rx.url('/slack/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX') });
    const [result] = await notifier.send([makeAlert({ summary: 'deleted <!channel> <https://evil.example|click> & more' })]);
    expect(result.ok).toBe(true);
    expect(rx.requests[0].problems).toEqual([]);
    const body = rx.requests[0].body;
    expect(body.text).toContain('deleted &lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; more');
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[HIGH] Resource deleted' } });
    expect(body.blocks[2].fields.map((f: { text: string }) => f.text)).toContain('*From*\n203.0.113.9');
  });

  it('reports Slack\'s 4xx error code without retrying', async () => {
    const { notifier, delays } = build({ type: 'webhook', format: 'slack', url: rx.url('/slack/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX') });
    rx.script({ status: 404, body: 'no_service' });
    const [result] = await notifier.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: false, error: 'HTTP 404: no_service' });
    expect(delays).toEqual([]);
  });
});

describe('json', () => {
  it('posts the alert object as is, one request per alert, with the configured headers', async () => {
    const { notifier } = build({ type: 'webhook', url: rx.url('/hooks/audit'), headers: { 'X-Team': 'sec' } });
    const alerts = [makeAlert({ id: 'a1' }), makeAlert({ id: 'a2', severity: 'low' })];
    const results = await notifier.send(alerts);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(rx.requests.map((r) => r.body)).toEqual(JSON.parse(JSON.stringify(alerts)));
    expect(rx.requests[0].headers['x-team']).toBe('sec');
    expect(rx.requests[0].headers['content-type']).toBe('application/json');
  });
});
