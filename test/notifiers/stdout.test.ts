import { describe, expect, it } from 'vitest';
import { capture, makeAlert } from './alerts.js';
import { build } from './setup.js';
import { displayWidth } from '../../src/events/text-width.js';

describe('stdout notifier', () => {
  it('text: one readable line per alert (time, severity, rule id, summary)', async () => {
    const { notifier, stdout } = build({ type: 'stdout' });
    const results = await notifier.send([
      makeAlert({ id: 'a1' }),
      makeAlert({ id: 'a2', rule: 'root-login', severity: 'critical', summary: 'root signed in\nfrom 198.51.100.7' }),
    ]);
    expect(results).toEqual([
      { alertId: 'a1', ok: true },
      { alertId: 'a2', ok: true },
    ]);
    expect(stdout.text()).toBe(
      '2026-11-20 03:04:05 UTC  HIGH      resource-deletion       ops-bot deleted bucket logs-1250000000 from 203.0.113.9\n' +
        '2026-11-20 03:04:05 UTC  CRITICAL  root-login              root signed in from 198.51.100.7\n',
    );
  });

  it('text in a terminal: a header once, severity in colour; NO_COLOR turns colour off', async () => {
    const terminal = () => Object.assign(capture(), { isTTY: true });
    const out = terminal();
    const { notifier } = build({ type: 'stdout' }, { stdout: out });
    await notifier.send([makeAlert({ id: 'a1', severity: 'critical' })]);
    await notifier.send([makeAlert({ id: 'a2', time: '2026-11-20T03:04:05.000Z' })]);
    const lines = out.text().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+SEVERITY\s+RULE\s+SUMMARY$/);
    expect(lines[1]).toContain('\x1b[1;31mCRITICAL\x1b[0m');
    expect(lines[2].startsWith('2026-11-20 03:04:05 UTC  ')).toBe(true);
    expect(lines).toHaveLength(3);

    const plain = terminal();
    const { notifier: quiet } = build({ type: 'stdout' }, { stdout: plain, env: { NO_COLOR: '1' } });
    await quiet.send([makeAlert({ id: 'a3', severity: 'critical' })]);
    expect(plain.text()).not.toContain('\x1b[');
  });

  it('text in Chinese and local time: columns aligned by display width, summaries in the reader\'s language', async () => {
    const { notifier, stdout } = build({ type: 'stdout' }, { shown: { locale: 'zh-CN', timeZone: 'Asia/Shanghai' } });
    const zh = makeAlert({ id: 'a1', summary: 'English summary' });
    zh.l10n = { 'zh-CN': { title: '资源被删除', summary: '运维-张三 删除了存储桶 logs' } };
    await notifier.send([zh, makeAlert({ id: 'a2', severity: 'critical', rule: 'root-console-login', summary: 'root 登录' })]);
    const lines = stdout.text().trimEnd().split('\n');
    expect(lines[0]).toBe('2026-11-20 11:04:05 CST  高危      resource-deletion       运维-张三 删除了存储桶 logs');
    expect(lines[1]).toBe('2026-11-20 11:04:05 CST  严重      root-console-login      root 登录');
    const summaryAt = (line: string, text: string) => displayWidth(line.slice(0, line.indexOf(text)));
    expect(summaryAt(lines[0], '运维')).toBe(summaryAt(lines[1], 'root 登录'));
  });

  it('json: the alert object as is, one per line', async () => {
    const { notifier, stdout } = build({ type: 'stdout', format: 'json' });
    const alerts = [makeAlert({ id: 'a1' }), makeAlert({ id: 'a2' })];
    await notifier.send(alerts);
    const lines = stdout.text().trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(JSON.parse(JSON.stringify(alerts)));
    // Times stay ISO-8601 UTC in JSON, whatever the reader's zone; translations stay internal.
    const { notifier: cn, stdout: out } = build({ type: 'stdout', format: 'json' }, { shown: { locale: 'zh-CN', timeZone: 'Asia/Shanghai' } });
    const withL10n = makeAlert({ id: 'a3' });
    withL10n.l10n = { 'zh-CN': { title: '资源被删除', summary: '中文' } };
    await cn.send([withL10n]);
    const printed = JSON.parse(out.text());
    expect(printed.time).toBe('2026-11-20T03:04:05Z');
    expect(printed.l10n).toBeUndefined();
  });
});
