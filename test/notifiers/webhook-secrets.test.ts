import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/util/logger.js';
import { safeUrl } from '../../src/notifiers/index.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { capture, makeAlert } from './alerts.js';
import { build, NOW } from './setup.js';

const TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const SECRET = 'SECf00dfeedbeefcafe0123456789';
const SLACK_TOKEN = 'Zq9XyW8vU7tS6rQ5pO4nM3lK';
let rx: Receiver;

beforeEach(async () => {
  rx = await startReceiver({ dingtalkSecret: SECRET, now: () => NOW.getTime() });
});
afterEach(() => rx.close());

describe('secrets never reach logs or errors', () => {
  it('masks the DingTalk token, secret and signature at debug level, through retries and failure', async () => {
    const logs = capture();
    const logger = createLogger('trace', logs);
    const { notifier } = build(
      { type: 'webhook', format: 'dingtalk', url: rx.url(`/dingtalk/robot/send?access_token=${TOKEN}`), secret: SECRET },
      { logger, retry: { retries: 2 } },
    );
    // Failures whose bodies echo the credentials back, as a misbehaving proxy might.
    rx.script(
      { status: 503, body: `upstream error for access_token=${TOKEN}` },
      { status: 503 },
      { status: 200, body: { errcode: 310000, errmsg: `sign not match for secret ${SECRET} token ${TOKEN}` } },
    );
    const [result] = await notifier.send([makeAlert()]);
    expect(result.ok).toBe(false);
    const signs = rx.requests.map((r) => r.query.sign);
    expect(signs.every(Boolean)).toBe(true);
    const text = logs.text();
    expect(text).toContain('webhook delivery failed, retrying');
    expect(text).toContain('access_token=***');
    for (const leak of [TOKEN, SECRET, ...signs, encodeURIComponent(signs[0])]) {
      expect(text).not.toContain(leak);
      expect(result.error).not.toContain(leak);
    }
    expect(result.error).toBe('DingTalk errcode 310000: sign not match for secret *** token ***');
  });

  it('masks tokens in URL paths (Slack, Feishu)', () => {
    expect(safeUrl(`https://hooks.slack.com/services/T0001/B0002/${SLACK_TOKEN}`)).toBe('https://hooks.slack.com/services/T0001/B0002/***');
    expect(safeUrl('https://open.feishu.cn/open-apis/bot/v2/hook/0b9f1c2e-1234-4d5e-8f90-abcdef012345')).toBe(
      'https://open.feishu.cn/open-apis/bot/v2/hook/***',
    );
    expect(safeUrl(`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${TOKEN}`)).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***');
  });

  it('masks a Slack path token and json header values in logs and errors', async () => {
    const logs = capture();
    const { notifier: slack } = build(
      { type: 'webhook', format: 'slack', url: rx.url(`/slack/services/T0001/B0002/${SLACK_TOKEN}`) },
      { logger: createLogger('trace', logs), retry: { retries: 1 } },
    );
    rx.script({ status: 500, body: `bad hook ${SLACK_TOKEN}` }, { status: 400, body: `invalid_token ${SLACK_TOKEN}` });
    const [r1] = await slack.send([makeAlert()]);
    expect(r1.error).toBe('HTTP 400: invalid_token ***');

    const { notifier: hook } = build(
      { type: 'webhook', url: rx.url('/hooks/x'), headers: { Authorization: 'Bearer hdr-secret-value' } },
      { logger: createLogger('trace', logs), retry: { retries: 0 } },
    );
    rx.script({ status: 401, body: 'token Bearer hdr-secret-value rejected' });
    const [r2] = await hook.send([makeAlert()]);
    expect(r2.error).toBe('HTTP 401: token *** rejected');
    expect(logs.text()).toContain('/slack/services/T0001/B0002/***');
    expect(logs.text()).not.toContain(SLACK_TOKEN);
    expect(logs.text()).not.toContain('hdr-secret-value');
  });
});
