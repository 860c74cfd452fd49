// Sigma detection rules translated to native rules: modifiers, values, conditions. The rules
// here are written for this repo; SigmaHQ's rules are under the DRL licence and are not copied.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { AuditEvent } from '../../src/events/index.js';
import { compileRules, type LoadedRule } from '../../src/rules/compile.js';
import { createEngine } from '../../src/rules/engine.js';
import type { RuleSpec } from '../../src/rules/schema.js';
import { checkSigmaTexts } from '../../src/rules/sigma/index.js';
import { ev } from './helpers.js';

type Patch = Parameters<typeof ev>[0];

function translate(text: string) {
  return checkSigmaTexts([{ display: 'rule.yml', text }])[0];
}

function specOf(detection: object): RuleSpec {
  const result = translate(stringify({ title: 'Test', id: 'test-rule', logsource: { product: 'aws', service: 'cloudtrail' }, detection }));
  expect(result.issues).toEqual([]);
  return result.rules[0].rule;
}

function loaded(spec: RuleSpec): LoadedRule {
  return { ...spec, title: spec.title ?? spec.id, severity: spec.severity ?? 'medium', enabled: spec.enabled ?? true, origin: 'rule.yml' };
}

/** Whether the engine alerts for the event, as `audit check` would. */
function alerts(spec: RuleSpec, event: AuditEvent): boolean {
  const engine = createEngine(compileRules([loaded(spec)]), { now: () => new Date('2030-01-01T00:00:00Z') });
  return [...engine.push(event), ...engine.finish()].length > 0;
}

const withRaw = (raw: Record<string, unknown>): Patch => ({ raw });

describe('Sigma selections: modifiers and values', () => {
  // [title, selection, native when, events that alert, events that do not]
  const rows: [string, Record<string, unknown>, unknown, Patch[], Patch[]][] = [
    ['plain text is equality, case-insensitive', { eventName: 'deletebucket' }, { name: { eq: 'deletebucket', ignoreCase: true } },
      [{ name: 'DeleteBucket' }], [{ name: 'DeleteBuckets' }, { name: 'UndeleteBucket' }]],
    ['* is any text, also across /', { eventName: 'Delete*' }, { name: { glob: 'Delete*', ignoreCase: true } },
      [{ name: 'DeleteBucket' }, { name: 'Delete/a/b' }], [{ name: 'UnDelete' }]],
    ['? is one character, also /', { eventName: 'Delete?ucket' }, { name: { glob: 'Delete[\\x00-\\uffff]ucket', ignoreCase: true } },
      [{ name: 'DeleteBucket' }, { name: 'Delete/ucket' }], [{ name: 'DeleteBuucket' }, { name: 'Deleteucket' }]],
    ['\\* and \\? are the characters themselves', { 'requestParameters.policy': 'a\\*b\\?' }, { 'raw.requestParameters.policy': { eq: 'a*b?', ignoreCase: true } },
      [withRaw({ requestParameters: { policy: 'a*b?' } })], [withRaw({ requestParameters: { policy: 'axbc' } })]],
    ['glob signs in a value are literal', { userAgent: 'aws-cli/2.0 (linux) [x]{y}!+@*' }, { userAgent: { glob: 'aws\\-cli\\/2\\.0\\ \\(linux\\)\\ \\[x\\]\\{y\\}\\!\\+\\@*', ignoreCase: true } },
      [{ userAgent: 'AWS-CLI/2.0 (linux) [x]{y}!+@ botocore' }], [{ userAgent: 'aws-cli/2.0 linux [x]{y}!+@' }, { userAgent: 'aws-cli/2x0 (linux) [x]{y}!+@' }]],
    ['contains, case-insensitive', { 'userAgent|contains': 'Boto3' }, { userAgent: { contains: 'Boto3', ignoreCase: true } },
      [{ userAgent: 'python boto3/1.2' }], [{ userAgent: 'botocore' }, { userAgent: null }]],
    ['contains with a wildcard inside', { 'userAgent|contains': 'aws*cli' }, { userAgent: { glob: '*aws*cli*', ignoreCase: true } },
      [{ userAgent: 'x aws-sdk cli y' }], [{ userAgent: 'cli aws' }]],
    ['startswith', { 'eventName|startswith': 'Delete' }, { name: { startsWith: 'Delete', ignoreCase: true } },
      [{ name: 'DeleteBucket' }], [{ name: 'UnDelete' }]],
    ['endswith', { 'eventName|endswith': 'Bucket' }, { name: { glob: '*Bucket', ignoreCase: true } },
      [{ name: 'DeleteBucket' }], [{ name: 'BucketDelete' }]],
    ['re: a regex search, case-sensitive', { 'eventName|re': 'Delete(Bucket|Object)$' }, { name: { regex: 'Delete(Bucket|Object)$' } },
      [{ name: 'DeleteObject' }, { name: 'BatchDeleteBucket' }], [{ name: 'deletebucket' }, { name: 'DeleteBucketPolicy' }]],
    ['re|i: case-insensitive', { 'eventName|re|i': '^delete' }, { name: { regex: '^delete', ignoreCase: true } },
      [{ name: 'DeleteBucket' }], [{ name: 'UnDelete' }]],
    ['cidr: IPv4 and IPv6 ranges, any of a list', { 'sourceIPAddress|cidr': ['10.0.0.0/8', '2001:db8::/32'] }, { sourceIp: { cidr: ['10.0.0.0/8', '2001:db8::/32'] } },
      [{ sourceIp: '10.1.2.3' }, { sourceIp: '2001:db8::1' }], [{ sourceIp: '11.0.0.1' }, { sourceIp: 'console.amazonaws.com' }]],
    ['exists: true', { 'errorCode|exists': true }, { 'error.code': { exists: true } },
      [{ error: { code: 'AccessDenied', message: 'no' } }], [{ error: null }]],
    ['exists: false', { 'errorCode|exists': false }, { 'error.code': { exists: false } },
      [{ error: null }], [{ error: { code: 'AccessDenied', message: 'no' } }]],
    ['all: every value must hold', { 'userAgent|contains|all': ['aws-cli', 'linux'] }, { userAgent: { contains: 'aws-cli', ignoreCase: true }, all: [{ userAgent: { contains: 'linux', ignoreCase: true } }] },
      [{ userAgent: 'aws-cli/2 Linux/5' }], [{ userAgent: 'aws-cli/2 Darwin' }]],
    ['cased: case-sensitive text', { 'eventName|cased': 'DeleteBucket' }, { name: { eq: 'DeleteBucket' } },
      [{ name: 'DeleteBucket' }], [{ name: 'deletebucket' }]],
    ['gt: a number', { 'requestParameters.maxResults|gt': 100 }, { 'raw.requestParameters.maxResults': { gt: 100 } },
      [withRaw({ requestParameters: { maxResults: 500 } }), withRaw({ requestParameters: { maxResults: '101' } })], [withRaw({ requestParameters: { maxResults: 100 } })]],
    ['a list of values is any of them', { eventName: ['StopLogging', 'DeleteTrail'] }, { name: { in: ['StopLogging', 'DeleteTrail'], ignoreCase: true } },
      [{ name: 'StopLogging' }, { name: 'deletetrail' }], [{ name: 'UpdateTrail' }]],
    ['a list mixing text and wildcards', { eventName: ['StopLogging', 'Delete*'] }, { any: [{ name: { eq: 'StopLogging', ignoreCase: true } }, { name: { glob: 'Delete*', ignoreCase: true } }] },
      [{ name: 'StopLogging' }, { name: 'DeleteTrail' }], [{ name: 'UpdateTrail' }]],
    ['null: the field is absent', { errorCode: null }, { 'error.code': null },
      [{ error: null }], [{ error: { code: 'AccessDenied', message: 'no' } }]],
    ['null in a list', { errorCode: ['AccessDenied', null] }, { any: [{ 'error.code': null }, { 'error.code': { eq: 'AccessDenied', ignoreCase: true } }] },
      [{ error: null }, { error: { code: 'accessdenied', message: 'no' } }], [{ error: { code: 'Throttling', message: 'slow' } }]],
    ['numbers match their text', { 'requestParameters.port': 22 }, { 'raw.requestParameters.port': { eq: 22, ignoreCase: true } },
      [withRaw({ requestParameters: { port: '22' } }), withRaw({ requestParameters: { port: 22 } })], [withRaw({ requestParameters: { port: 2222 } })]],
    ['other fields are read from the original record', { eventSource: 'iam.amazonaws.com', 'userIdentity.arn|endswith': ':root' },
      { 'raw.eventSource': { eq: 'iam.amazonaws.com', ignoreCase: true }, 'raw.userIdentity.arn': { glob: '*\\:root', ignoreCase: true } },
      [withRaw({ eventSource: 'iam.amazonaws.com', userIdentity: { arn: 'arn:aws:iam::1:root' } })], [withRaw({ eventSource: 'iam.amazonaws.com', userIdentity: { arn: 'arn:aws:iam::1:user/bob' } })]],
    ['a map is all of its entries; one field twice', { 'eventName|startswith': 'Delete', 'eventName|endswith': 'Bucket' },
      { name: { startsWith: 'Delete', ignoreCase: true }, all: [{ name: { glob: '*Bucket', ignoreCase: true } }] },
      [{ name: 'DeleteBucket' }], [{ name: 'DeleteObject' }, { name: 'PutBucket' }]],
  ];

  it.each(rows)('%s', (_, selection, when, yes, no) => {
    const spec = specOf({ selection, condition: 'selection' });
    expect(spec.when).toEqual(when);
    for (const patch of yes) expect(alerts(spec, ev(patch)), JSON.stringify(patch)).toBe(true);
    for (const patch of no) expect(alerts(spec, ev(patch)), JSON.stringify(patch)).toBe(false);
  });

  it('a list of maps is any of them', () => {
    const spec = specOf({ selection: [{ eventName: 'StopLogging' }, { eventName: 'DeleteTrail', errorCode: null }], condition: 'selection' });
    expect(spec.when).toEqual({ any: [{ name: { eq: 'StopLogging', ignoreCase: true } }, { name: { eq: 'DeleteTrail', ignoreCase: true }, 'error.code': null }] });
    expect(alerts(spec, ev({ name: 'StopLogging', error: { code: 'X', message: 'x' } }))).toBe(true);
    expect(alerts(spec, ev({ name: 'DeleteTrail' }))).toBe(true);
    expect(alerts(spec, ev({ name: 'DeleteTrail', error: { code: 'X', message: 'x' } }))).toBe(false);
  });
});

describe('Sigma conditions', () => {
  const detection = {
    sel_a: { eventName: 'A' },
    sel_b: { awsRegion: 'b' },
    filter_c: { userAgent: 'c' },
    _never: { eventName: 'never' },
  };
  type Truth = (a: boolean, b: boolean, c: boolean) => boolean;
  const rows: [string | string[], Truth][] = [
    ['sel_a', (a) => a],
    ['not sel_a', (a) => !a],
    ['sel_a and sel_b', (a, b) => a && b],
    ['sel_a or sel_b', (a, b) => a || b],
    ['sel_a or sel_b and filter_c', (a, b, c) => a || (b && c)],
    ['sel_a and sel_b or filter_c', (a, b, c) => (a && b) || c],
    ['(sel_a or sel_b) and filter_c', (a, b, c) => (a || b) && c],
    ['not sel_a and sel_b', (a, b) => !a && b],
    ['not (sel_a and sel_b)', (a, b) => !(a && b)],
    ['not not sel_a', (a) => a],
    ['sel_a and not (sel_b or filter_c)', (a, b, c) => a && !(b || c)],
    ['((sel_a))', (a) => a],
    ['1 of sel_*', (a, b) => a || b],
    ['all of sel_*', (a, b) => a && b],
    ['all of sel_* and not filter_c', (a, b, c) => a && b && !c],
    ['1 of them', (a, b, c) => a || b || c],
    ['all of them', (a, b, c) => a && b && c],
    ['1 of sel_a', (a) => a],
    ['sel_a AND NOT sel_b', (a, b) => a && !b],
    [['sel_a', 'filter_c'], (a, _, c) => a || c],
  ];

  it.each(rows)('%j', (condition, truth) => {
    const spec = specOf({ ...detection, condition });
    for (const a of [true, false]) {
      for (const b of [true, false]) {
        for (const c of [true, false]) {
          const event = ev({ name: a ? 'A' : 'Z', region: b ? 'b' : 'z', userAgent: c ? 'c' : 'z' });
          expect(alerts(spec, event), `a=${a} b=${b} c=${c}`).toBe(truth(a, b, c));
        }
      }
    }
  });

  it('lifts an exact event name to the top so the rule set can index the rule', () => {
    const spec = specOf({ sel: { eventName: 'ConsoleLogin', 'userIdentity.type': 'Root' }, filter: { 'sourceIPAddress|cidr': '10.0.0.0/8' }, condition: 'sel and not filter' });
    expect(spec.when).toEqual({
      name: { eq: 'ConsoleLogin', ignoreCase: true },
      'actor.type': { eq: 'Root', ignoreCase: true },
      not: { sourceIp: { cidr: '10.0.0.0/8' } },
    });
  });
});

describe('Sigma metadata', () => {
  it('carries title, level, description and false positives; the name becomes the id', () => {
    const text = stringify({
      title: 'Root sign-in',
      id: '6C1F3A52-0B7E-4D1A-9A57-2F1C0E8D4B11',
      name: 'Root_Console.Login',
      status: 'test',
      tags: ['attack.t1078'],
      author: 'me',
      description: 'Root signed in.',
      falsepositives: ['Break-glass access', 'Audits'],
      level: 'informational',
      logsource: { product: 'aws', service: 'cloudtrail' },
      detection: { sel: { eventName: 'ConsoleLogin' }, condition: 'sel' },
      custom_attribute: 'kept out',
    });
    expect(translate(text).rules[0].rule).toEqual({
      id: 'root-console-login',
      title: 'Root sign-in',
      severity: 'info',
      description: 'Root signed in.\nFalse positives: Break-glass access; Audits\nSigma id: 6C1F3A52-0B7E-4D1A-9A57-2F1C0E8D4B11',
      when: { name: { eq: 'ConsoleLogin', ignoreCase: true } },
    });
  });

  it.each([
    ['informational', 'info'],
    ['low', 'low'],
    ['medium', 'medium'],
    ['high', 'high'],
    ['critical', 'critical'],
  ])('level %s is severity %s', (level, severity) => {
    const text = stringify({ title: 'T', id: 'ABC-1', level, detection: { sel: { eventName: 'X' }, condition: 'sel' } });
    expect(translate(text).rules[0].rule).toMatchObject({ id: 'abc-1', severity });
  });
});
