import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { notifiersConfigSchema } from '../../src/notifiers/index.js';
import { formatIssues } from '../../src/config/issues.js';

const configSchema = z.object({ notifiers: notifiersConfigSchema });

/** Issues as the config loader prints them: `notifiers[1].url: invalid URL`. */
function issues(list: unknown): string[] {
  const input = { notifiers: list };
  const r = configSchema.safeParse(input);
  return r.success ? [] : formatIssues(r.error, configSchema, input);
}

describe('notifiersConfigSchema', () => {
  it('defaults to one text stdout notifier named console', () => {
    const r = z.object({ notifiers: notifiersConfigSchema }).parse({});
    expect(r.notifiers).toEqual([{ name: 'console', type: 'stdout', format: 'text' }]);
  });

  it('accepts the documented example and applies defaults', () => {
    const parsed = notifiersConfigSchema.parse([
      { name: 'console', type: 'stdout', format: 'text' },
      {
        name: 'ops',
        type: 'webhook',
        format: 'dingtalk',
        url: 'https://oapi.dingtalk.com/robot/send?access_token=abc',
        secret: 'SECabc',
        minSeverity: 'high',
        timeout: '10s',
        maxPerRun: 10,
      },
      { name: 'hook', type: 'webhook', url: 'https://example.com/h', headers: { 'X-Team': 'sec' } },
      { name: 'sms', type: 'exec', command: ['/usr/bin/cagent_tools', 'alarm', '{{summary}}'], timeout: '10s', minSeverity: 'critical' },
    ]);
    expect(parsed[1]).toMatchObject({ format: 'dingtalk', timeout: 10_000, minSeverity: 'high' });
    expect(parsed[2]).toMatchObject({ format: 'json', timeout: 10_000 });
    expect(parsed[3]).toMatchObject({ type: 'exec', timeout: 10_000 });
  });

  it('reports an invalid URL with its path', () => {
    expect(issues([{ name: 'a', type: 'stdout' }, { name: 'b', type: 'webhook', url: 'not a url' }])).toEqual(['notifiers[1].url: invalid URL']);
    expect(issues([{ name: 'b', type: 'webhook', url: 'ftp://host/x' }])).toEqual(['notifiers[0].url: invalid URL']);
  });

  it('reports unknown types and missing types', () => {
    expect(issues([{ name: 'a', type: 'email' }])).toEqual(['notifiers[0].type: unknown notifier type "email" (one of: stdout, webhook, exec)']);
    expect(issues([{ name: 'a' }])).toEqual(['notifiers[0].type: missing type (one of: stdout, webhook, exec)']);
  });

  it('rejects unknown keys (strict options)', () => {
    expect(issues([{ name: 'a', type: 'stdout', format: 'json', colour: true }])).toEqual(['notifiers[0].colour: unknown key']);
    expect(issues([{ name: 'a', type: 'webhook', url: 'https://h/x', timout: '5s' }])).toEqual([
      'notifiers[0].timout: unknown key (did you mean "timeout"?)',
    ]);
  });

  it('rejects duplicate and malformed names', () => {
    expect(issues([{ name: 'a', type: 'stdout' }, { name: 'a', type: 'stdout' }])).toEqual(['notifiers[1].name: duplicate name "a" (also notifiers[0])']);
    expect(issues([{ name: 'Ops Team', type: 'stdout' }])[0]).toMatch(/^notifiers\[0\]\.name: invalid name/);
  });

  it('only takes a secret where the format signs, and headers only for json', () => {
    expect(issues([{ name: 'w', type: 'webhook', format: 'wecom', url: 'https://q/x?key=1', secret: 's' }])).toEqual([
      'notifiers[0].secret: format wecom has no signing (only dingtalk and feishu)',
    ]);
    expect(issues([{ name: 'w', type: 'webhook', format: 'slack', url: 'https://h/x', headers: { a: 'b' } }])).toEqual([
      'notifiers[0].headers: headers are for format json only, not slack',
    ]);
  });

  it('validates severities, durations and exec commands', () => {
    expect(issues([{ name: 'a', type: 'stdout', minSeverity: 'urgent' }])[0]).toMatch(/^notifiers\[0\]\.minSeverity:/);
    expect(issues([{ name: 'a', type: 'webhook', url: 'https://h/x', timeout: 'soon' }])[0]).toMatch(/^notifiers\[0\]\.timeout: invalid duration/);
    expect(issues([{ name: 's', type: 'exec', command: [] }])[0]).toMatch(/^notifiers\[0\]\.command:/);
    expect(issues([{ name: 's', type: 'exec', command: ['{{summary}}'] }])).toEqual([
      'notifiers[0].command[0]: the program (first element) cannot contain {{placeholders}}',
    ]);
    expect(issues([{ name: 's', type: 'exec', command: 'cagent_tools alarm x' }])[0]).toMatch(/^notifiers\[0\]\.command:/);
  });
});
