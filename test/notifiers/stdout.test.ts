import { describe, expect, it } from 'vitest';
import { makeAlert } from './alerts.js';
import { build } from './setup.js';

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
      '2026-11-20T03:04:05Z  HIGH      resource-deletion  ops-bot deleted bucket logs-1250000000 from 203.0.113.9\n' +
        '2026-11-20T03:04:05Z  CRITICAL  root-login  root signed in from 198.51.100.7\n',
    );
  });

  it('json: the alert object as is, one per line', async () => {
    const { notifier, stdout } = build({ type: 'stdout', format: 'json' });
    const alerts = [makeAlert({ id: 'a1' }), makeAlert({ id: 'a2' })];
    await notifier.send(alerts);
    const lines = stdout.text().trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(JSON.parse(JSON.stringify(alerts)));
  });
});
