import { describe, expect, it } from 'vitest';
import { alertJson, type Alert } from '../../src/rules/model.js';
import { at, ev, run } from './helpers.js';

/** What alertJson must always equal: the alert's own JSON without l10n. */
const expected = (alert: Alert) => {
  const { l10n: _, ...rest } = alert;
  return JSON.stringify(rest);
};

describe('alertJson', () => {
  const event = ev({ actor: { name: 'a"b\\c\n\u0001é💥' }, raw: { n: Number.NaN, deep: [{ x: null }] } });
  const base: Alert = { id: 'x', time: at(1), rule: { id: 'r', title: 't', severity: 'high' }, summary: 's', event, count: 1, group: null, window: null };

  it.each<[string, Alert]>([
    ['a per-event alert', base],
    ['with l10n (left out)', { ...base, l10n: { 'zh-CN': { title: '标题', summary: '摘要' } } }],
    ['with a bundle', { ...base, bundle: [{ id: 'y', rule: { id: 'q', title: 'u', severity: 'low' }, summary: 'v' }] }],
    ['a window alert with a group', { ...base, group: { account: '1', 'actor.id': null }, window: { start: at(0), end: at(5) }, count: 7 }],
    ['undefined properties (left out, as stringify does)', { ...base, bundle: undefined, l10n: undefined }],
    ['l10n first in key order', { l10n: {}, ...base }],
  ])('%s', (_, alert) => {
    expect(alertJson(alert)).toBe(expected(alert));
    // The event's text is remembered: the same alert again gives the same text.
    expect(alertJson(alert)).toBe(expected(alert));
  });

  it('alerts of real rules, several on one event', () => {
    const rules = [
      { id: 'a', when: { name: 'DeleteBucket' }, suppress: 0 },
      { id: 'b', when: {}, suppress: 0, severity: 'critical' as const },
      { id: 'w', when: {}, window: '5m', count: { gte: 2 }, groupBy: ['actor.name'] },
    ];
    const alerts = run(rules, [ev({ name: 'DeleteBucket', time: at(1) }), ev({ time: at(2) })]);
    expect(alerts.length).toBeGreaterThanOrEqual(4);
    for (const alert of alerts) expect(JSON.parse(alertJson(alert))).toEqual(JSON.parse(expected(alert)));
    for (const alert of alerts) expect(alertJson(alert)).toBe(expected(alert));
  });
});
