import { describe, expect, it } from 'vitest';
import { parseLockTimeout } from '../../src/cli/commands/check.js';
import { parseConfig } from '../../src/config/index.js';
import { AuditError } from '../../src/errors.js';

/**
 * Every duration in the config has a range, checked through the real parseConfig: each limit
 * just inside (valid) and just outside (an error led by the path).
 */
const source = (lines: string) => `source:\n${lines}`;
const webhook = (timeout: string) => `notifiers:\n  - { name: h, type: webhook, url: "http://127.0.0.1:9/x", timeout: ${timeout} }\n`;
const exec = (timeout: string) => `notifiers:\n  - { name: e, type: exec, command: [/bin/true], timeout: ${timeout} }\n`;
const rule = (fields: string) => `rules:\n  - { id: r, when: {}, ${fields} }\n`;
const windowRule = (fields: string) => rule(`count: { gte: 1 }, ${fields}`);

function issuesOf(yaml: string): string[] {
  try {
    parseConfig(yaml, {}, 'audit.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(AuditError);
    expect((err as AuditError).code).toBe('E_CONFIG');
    return (err as AuditError).issues;
  }
  throw new Error('expected the config to be rejected');
}

describe('config bounds: valid (just inside each limit)', () => {
  it.each([
    ['source.timeout 10m', source('  timeout: 10m\n')],
    ['source.timeout 600 (seconds)', source('  timeout: 600\n')],
    ['source.timeout 1ms', source('  timeout: 1ms\n')],
    ['source.lateness 1d', source('  lateness: 1d\n')],
    ['source.lateness 0 (no late events)', source('  lateness: 0s\n')],
    ['file source lateness 1d', source('  provider: file\n  path: events.ndjson\n  lateness: 86400s\n')],
    ['webhook timeout 10m', webhook('10m')],
    ['exec timeout 600000ms', exec('600000ms')],
    ['window 7d', windowRule('window: 7d')],
    ['window 1ms', windowRule('window: 1ms')],
    ['every 7d under a 7d window', windowRule('window: 7d, every: 7d')],
    ['every 1ms', windowRule('window: 1m, every: 1ms')],
    ['suppress 30d', rule('suppress: 30d')],
    ['suppress 0 (off)', windowRule('window: 5m, suppress: 0')],
    ['a built-in override inside the limits', 'rules:\n  - { id: failed-calls-spike, window: 7d, suppress: 30d }\n'],
  ])('%s', (_, yaml) => {
    expect(() => parseConfig(yaml, {}, 'audit.yaml')).not.toThrow();
  });

  it('keeps the values in milliseconds', () => {
    const c = parseConfig(`${source('  timeout: 10m\n  lateness: 1d\n')}${windowRule('window: 7d, every: 7d, suppress: 30d')}`, {}, 'a');
    expect(c.sources[0]).toMatchObject({ timeout: 600_000, lateness: 86_400_000 });
    expect(c.rules[0]).toMatchObject({ rule: { window: 604_800_000, every: 604_800_000, suppress: 2_592_000_000 } });
  });
});

describe('config bounds: invalid (just outside each limit), led by the path', () => {
  it.each([
    [source('  timeout: 600001ms\n'), 'source.timeout: at most 10m'],
    [source('  timeout: 25d\n'), 'source.timeout: at most 10m'], // Node's timers overflow from 24.8 days
    [source('  timeout: 0s\n'), 'source.timeout: must be longer than 0'],
    [source('  lateness: 86400001ms\n'), 'source.lateness: at most 1d'],
    [source('  provider: file\n  path: events.ndjson\n  lateness: 2d\n'), 'source.lateness: at most 1d'],
    [webhook('600001ms'), 'notifiers[0].timeout: at most 10m'],
    [webhook('0s'), 'notifiers[0].timeout: must be longer than 0'],
    [exec('10.5m'), 'notifiers[0].timeout: at most 10m'],
    [exec('30d'), 'notifiers[0].timeout: at most 10m'],
    [windowRule('window: 604800001ms'), 'rules[0].window: at most 7d'],
    [windowRule('window: 30000d'), 'rules[0].window: at most 7d'],
    [windowRule('window: 9999999999d'), 'rules[0].window: at most 7d'],
    [windowRule('window: 0s'), 'rules[0].window: must be longer than 0'],
    [windowRule('window: 7d, every: 604800001ms'), 'rules[0].every: at most 7d'],
    [windowRule('window: 5m, every: 0s'), 'rules[0].every: must be longer than 0'],
    [windowRule('window: 5m, every: 301s'), 'rules[0].every: every must not be longer than the window (events between windows would never count)'],
    [rule('suppress: 2592000001ms'), 'rules[0].suppress: at most 30d'],
    [rule('suppress: 9999999999d'), 'rules[0].suppress: at most 30d'],
    ['rules:\n  - { id: failed-calls-spike, window: 8d }\n', 'rules[0].window: at most 7d'],
    ['rules:\n  - { id: root-api-usage, suppress: 31d }\n', 'rules[0].suppress: at most 30d'],
  ])('%s', (yaml, expected) => {
    expect(issuesOf(yaml)).toContain(expected);
  });

  it('reports every out-of-range duration at once', () => {
    const yaml = `${source('  timeout: 1h\n  lateness: 2d\n')}${windowRule('window: 8d, suppress: 31d')}${webhook('1h')}`;
    expect(issuesOf(yaml)).toEqual([
      'source.timeout: at most 10m',
      'source.lateness: at most 1d',
      'rules[0].window: at most 7d',
      'rules[0].suppress: at most 30d',
      'notifiers[0].timeout: at most 10m',
    ]);
  });
});

describe('--lock-timeout bounds', () => {
  it.each([
    [undefined, 30_000],
    ['0s', 0], // do not wait
    ['10m', 600_000],
  ])('%s → %d ms', (flag, ms) => {
    expect(parseLockTimeout(flag)).toBe(ms);
  });

  it.each([
    ['600001ms', '--lock-timeout: at most 10m'],
    ['25d', '--lock-timeout: at most 10m'],
    ['99999999999d', '--lock-timeout: at most 10m'],
    ['soon', '--lock-timeout: invalid duration "soon" (use 30s, 5m, 2h or 1d)'],
  ])('%s is a usage error', (flag, message) => {
    expect(() => parseLockTimeout(flag)).toThrow(message);
    try {
      parseLockTimeout(flag);
    } catch (err) {
      expect((err as AuditError).code).toBe('E_USAGE');
    }
  });
});
