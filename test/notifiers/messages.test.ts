import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNotifiers, deliver, notifiersConfigSchema } from '../../src/notifiers/index.js';
import { compileRules } from '../../src/rules/compile.js';
import { createEngine } from '../../src/rules/engine.js';
import { loadRules } from '../../src/rules/load.js';
import type { Alert } from '../../src/rules/model.js';
import type { Locale } from '../../src/util/locale.js';
import { silentLogger } from '../../src/util/logger.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { ev } from '../rules/helpers.js';
import { capture, recordingSleep } from './alerts.js';

/**
 * What a person on call reads, per vendor and language: one DeleteAudit call that matched three
 * built-in rules, sent through the real formats to a receiver that checks each vendor's rules.
 * The snapshot files in __messages__ were read by eye once; from then on they are asserted.
 */
const deleteAudit = ev({
  id: 'b7f4c1de-2f0a-4c4e-9a51-0c1d2e3f4a5b',
  time: '2026-11-22T16:00:40.000Z',
  name: 'DeleteAudit',
  service: 'cloudaudit',
  readOnly: false,
  sensitive: true,
  actor: { type: 'CAMUser', id: '100000000002', name: '运维-张三', accessKeyId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE' },
  sourceIp: '203.0.113.9',
  location: '广东省深圳市',
  resources: [{ type: 'cloudaudit', name: 'audit-prod' }],
});

async function alertsFor(locales: Locale[]): Promise<Alert[]> {
  const ruleSet = compileRules(await loadRules([{ builtin: 'recommended' }], { baseDir: '.' }));
  return createEngine(ruleSet, { now: () => new Date('2026-11-22T16:01:00Z'), locales }).push(deleteAudit);
}

let rx: Receiver;
let dir: string;
beforeEach(async () => {
  rx = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), 'audit-messages-'));
});
afterEach(async () => {
  await rx.close();
  rmSync(dir, { recursive: true, force: true });
});

const VENDORS = {
  dingtalk: (body: any) => `${body.markdown.title}\n---\n${body.markdown.text}\n`,
  wecom: (body: any) => `${body.markdown.content}\n`,
  feishu: (body: any) => `${JSON.stringify(body.card, null, 2)}\n`,
  slack: (body: any) => `${JSON.stringify(body, null, 2)}\n`,
} as const;

async function send(entries: unknown[], locale: Locale, alerts: Alert[]) {
  const stdout = capture();
  const notifiers = createNotifiers(notifiersConfigSchema.parse(entries), {
    logger: silentLogger(),
    env: { ...process.env, RECORD_FILE: join(dir, 'sms.json') },
    now: () => new Date('2026-11-22T16:01:00Z'),
    stdout,
    retry: { sleep: recordingSleep().sleep, retries: 0 },
    shown: { locale, timeZone: 'Asia/Shanghai' },
  });
  return deliver(alerts, notifiers);
}

describe.each(['zh-CN', 'en'] as const)('messages in %s', (locale) => {
  it.each(Object.keys(VENDORS) as (keyof typeof VENDORS)[])('%s: one message for one event, with the facts', async (vendor) => {
    const alerts = await alertsFor([locale]);
    expect(alerts.map((a) => a.rule.id)).toEqual(['resource-deletion', 'audit-tampering', 'sensitive-operation']);
    const paths = { dingtalk: '/dingtalk/robot/send?access_token=t', wecom: '/wecom/cgi-bin/webhook/send?key=k', feishu: '/feishu/open-apis/bot/v2/hook/h', slack: '/slack/services/T/B/X' };
    const report = await send([{ name: 'chat', type: 'webhook', format: vendor, url: rx.url(paths[vendor]) }], locale, alerts);
    expect(rx.requests).toHaveLength(1);
    expect(rx.requests[0].problems).toEqual([]);
    for (const a of alerts) expect(report.get(a.id)!.get('chat')!.ok).toBe(true);
    const text = VENDORS[vendor](rx.requests[0].body);
    // Severity first, local time with its zone, the key id, the place, and no fingerprints.
    expect(text).toContain(locale === 'zh-CN' ? '【严重】审计跟踪被停止、删除或修改' : '[CRITICAL] Audit trail stopped, deleted or changed');
    expect(text).toContain('2026-11-23 00:00:40 CST');
    expect(text).toContain('AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE');
    expect(text).toContain('203.0.113.9 (广东省深圳市)');
    expect(text).not.toMatch(/[0-9a-f]{40}/);
    const fileName = fileURLToPath(new URL(`./__messages__/${vendor}.${locale}.${vendor === 'feishu' || vendor === 'slack' ? 'json' : 'md'}`, import.meta.url));
    await expect(text).toMatchFileSnapshot(fileName);
  });

  it('exec (SMS): one text per event naming every rule, in the local time', async () => {
    const alerts = await alertsFor([locale]);
    const record = fileURLToPath(new URL('../fixtures/notifiers/exec/record.mjs', import.meta.url));
    await send([{ name: 'sms', type: 'exec', command: [process.execPath, record, '{{text}}'] }], locale, alerts);
    const got = JSON.parse(readFileSync(join(dir, 'sms.json'), 'utf8'));
    expect(got.argv).toHaveLength(1);
    expect(got.env.AUDIT_TEXT).toBe(got.argv[0]);
    expect(got.argv[0]).toBe(
      locale === 'zh-CN'
        ? '【严重】审计跟踪被停止、删除或修改：运维-张三 调用 DeleteAudit（cloudaudit，ap-guangzhou，账号 100000000001），资源 audit-prod，来源 203.0.113.9（2026-11-23 00:00:40 CST）；同一事件还触发：【高危】资源被删除；【中危】敏感操作'
        : '[CRITICAL] Audit trail stopped, deleted or changed: 运维-张三 called DeleteAudit (cloudaudit, ap-guangzhou, account 100000000001) on audit-prod from 203.0.113.9 (2026-11-23 00:00:40 CST); also matched: [HIGH] Resource deleted, [MEDIUM] Sensitive operation',
    );
  });
});

describe('one message per event', () => {
  it('chat robots and SMS get one message for three rules; the json webhook and stdout keep one per alert', async () => {
    const alerts = await alertsFor(['en']);
    const record = fileURLToPath(new URL('../fixtures/notifiers/exec/record.mjs', import.meta.url));
    const report = await send(
      [
        { name: 'ding', type: 'webhook', format: 'dingtalk', url: rx.url('/dingtalk/robot/send?access_token=t') },
        { name: 'hook', type: 'webhook', format: 'json', url: rx.url('/hooks/audit') },
        { name: 'sms', type: 'exec', command: [process.execPath, record] },
      ],
      'en',
      alerts,
    );
    expect(rx.requests.filter((r) => r.service === 'dingtalk')).toHaveLength(1);
    expect(rx.requests.filter((r) => r.service === 'json').map((r) => r.body.rule.id)).toEqual(['resource-deletion', 'audit-tampering', 'sensitive-operation']);
    // The bundle leads with the most severe rule and lists the others, most severe first.
    const sms = JSON.parse(JSON.parse(readFileSync(join(dir, 'sms.json'), 'utf8')).stdin);
    expect(sms.rule.id).toBe('audit-tampering');
    expect(sms.bundle.map((b: { rule: { id: string } }) => b.rule.id)).toEqual(['resource-deletion', 'sensitive-operation']);
    expect(sms.l10n).toBeUndefined();
    for (const a of alerts) for (const n of ['ding', 'hook', 'sms']) expect(report.get(a.id)!.get(n)!.ok).toBe(true);
  });

  it('a notifier in another language than the run reads its own', async () => {
    const alerts = await alertsFor(['en', 'zh-CN']);
    await send([{ name: 'ding', type: 'webhook', format: 'dingtalk', url: rx.url('/dingtalk/robot/send?access_token=t'), locale: 'zh-CN' }], 'en', alerts);
    expect(rx.requests[0].body.markdown.text).toContain('同一事件还触发');
    expect(rx.requests[0].body.markdown.title).toBe('【严重】审计跟踪被停止、删除或修改');
  });
});
