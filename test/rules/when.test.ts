import { describe, expect, it } from 'vitest';
import { compileWhen } from '../../src/rules/when.js';
import type { RuleIssue } from '../../src/rules/matchers.js';
import { ev } from './helpers.js';

function matches(when: unknown, patch: Parameters<typeof ev>[0]): boolean {
  const issues: RuleIssue[] = [];
  const compiled = compileWhen(when, ['when'], issues);
  expect(issues).toEqual([]);
  return compiled!.test(ev(patch));
}

function problems(when: unknown): string[] {
  const issues: RuleIssue[] = [];
  compileWhen(when, ['when'], issues);
  return issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const resources = [{ type: 'cos', name: 'logs/2026/a.txt' }, { type: 'cos', name: 'backup' }];

describe('when: scalars, lists and null', () => {
  it.each([
    ['exact string', { name: 'DeleteBucket' }, { name: 'DeleteBucket' }, true],
    ['exact string is case-sensitive', { name: 'deletebucket' }, { name: 'DeleteBucket' }, false],
    ['glob *', { name: 'Delete*' }, { name: 'DeleteBucket' }, true],
    ['glob * crosses /', { 'resources.name': 'logs/*.txt' }, { resources }, true],
    ['glob ?', { name: 'Delete?ucket' }, { name: 'DeleteBucket' }, true],
    ['glob does not match a prefix only', { name: 'Delete*' }, { name: 'UndeleteBucket' }, false],
    ['glob newline cannot hide a match', { 'actor.name': 'bob*' }, { actor: { name: 'bob\nx' } }, true],
    ['list is any of', { name: ['RunInstances', 'Renew*'] }, { name: 'RenewDisk' }, true],
    ['list with no match', { name: ['RunInstances', 'Renew*'] }, { name: 'StopInstances' }, false],
    ['null matches null', { sourceIp: null }, { sourceIp: null }, true],
    ['null fails on a value', { sourceIp: null }, { sourceIp: '1.2.3.4' }, false],
    ['null matches an absent raw field', { 'raw.x.y': null }, { raw: {} }, true],
    ['boolean', { readOnly: false }, { readOnly: false }, true],
    ['boolean vs null', { readOnly: false }, { readOnly: null }, false],
    ['number matches numeric text', { 'raw.errorCode': 0 }, { raw: { errorCode: '0' } }, true],
    ['ANY element of a list', { 'resources.name': 'backup' }, { resources }, true],
    ['no element of a list', { 'resources.name': 'other' }, { resources }, false],
    ['into raw', { 'raw.userIdentity.sessionContext.mfa': true }, { raw: { userIdentity: { sessionContext: { mfa: true } } } }, true],
    ['into JSON text inside raw', { 'raw.responseElements.Status': 'ok' }, { raw: { responseElements: '{"Status":"ok"}' } }, true],
    ['all keys must hold', { name: 'ConsoleLogin', 'actor.type': 'Root' }, { name: 'ConsoleLogin', actor: { type: 'CAMUser' } }, false],
    ['empty map matches everything', {}, {}, true],
  ])('%s', (_, when, patch, want) => {
    expect(matches(when, patch as never)).toBe(want);
  });
});

describe('when: operators', () => {
  it.each([
    ['eq', { name: { eq: 'A' } }, { name: 'A' }, true],
    ['eq ignoreCase', { name: { eq: 'a', ignoreCase: true } }, { name: 'A' }, true],
    ['eq null', { error: { eq: null } }, { error: null }, true],
    ['ne', { name: { ne: 'A' } }, { name: 'B' }, true],
    ['ne on equal', { name: { ne: 'A' } }, { name: 'A' }, false],
    ['ne on a list field means none equal', { 'resources.name': { ne: 'backup' } }, { resources }, false],
    ['ne null means present', { sourceIp: { ne: null } }, { sourceIp: '1.1.1.1' }, true],
    ['in', { name: { in: ['A', 'B'] } }, { name: 'B' }, true],
    ['in ignoreCase', { name: { in: ['a', 'b'], ignoreCase: true } }, { name: 'B' }, true],
    ['notIn', { name: { notIn: ['A', 'B'] } }, { name: 'C' }, true],
    ['notIn on a member', { name: { notIn: ['A', 'B'] } }, { name: 'A' }, false],
    ['glob', { name: { glob: 'Delete*' } }, { name: 'DeleteX' }, true],
    ['glob ignoreCase', { name: { glob: 'delete*', ignoreCase: true } }, { name: 'DeleteX' }, true],
    ['glob list', { name: { glob: ['Stop*', 'Delete*'] } }, { name: 'DeleteX' }, true],
    ['regex', { name: { regex: '^(Delete|Remove)' } }, { name: 'RemoveUser' }, true],
    ['regex ignoreCase', { name: { regex: '^delete', ignoreCase: true } }, { name: 'DeleteX' }, true],
    ['regex no match', { name: { regex: '^Delete$' } }, { name: 'DeleteX' }, false],
    ['exists true', { error: { exists: true } }, { error: { code: 'X', message: 'm' } }, true],
    ['exists true on null', { error: { exists: true } }, { error: null }, false],
    ['exists false', { 'raw.missing': { exists: false } }, {}, true],
    ['cidr v4', { sourceIp: { cidr: '10.0.0.0/8' } }, { sourceIp: '10.2.3.4' }, true],
    ['cidr v4 outside', { sourceIp: { cidr: '10.0.0.0/8' } }, { sourceIp: '11.2.3.4' }, false],
    ['cidr list', { sourceIp: { cidr: ['192.168.0.0/16', '203.0.113.0/24'] } }, { sourceIp: '203.0.113.9' }, true],
    ['cidr v6', { sourceIp: { cidr: '2001:db8::/32' } }, { sourceIp: '2001:db8::1' }, true],
    ['cidr bare address', { sourceIp: { cidr: '203.0.113.7' } }, { sourceIp: '203.0.113.7' }, true],
    ['cidr on a non-address', { sourceIp: { cidr: '0.0.0.0/0' } }, { sourceIp: 'console' }, false],
    ['gt number', { 'raw.n': { gt: 5 } }, { raw: { n: 6 } }, true],
    ['gt number on numeric text', { 'raw.n': { gt: 5 } }, { raw: { n: '6' } }, true],
    ['gte equal', { 'raw.n': { gte: 5 } }, { raw: { n: 5 } }, true],
    ['lt', { 'raw.n': { lt: 5 } }, { raw: { n: 5 } }, false],
    ['lte', { 'raw.n': { lte: 5 } }, { raw: { n: 5 } }, true],
    ['gt on non-numbers', { 'raw.n': { gt: 5 } }, { raw: { n: 'abc' } }, false],
    ['gte on an ISO time', { time: { gte: '2026-01-01T00:00:00Z' } }, { time: '2026-01-02T00:00:00Z' }, true],
    ['contains', { userAgent: { contains: 'terraform' } }, { userAgent: 'Terraform/1.5 terraform-provider' }, true],
    ['contains ignoreCase', { userAgent: { contains: 'TERRAFORM', ignoreCase: true } }, { userAgent: 'terraform' }, true],
    ['startsWith', { name: { startsWith: 'Delete' } }, { name: 'DeleteX' }, true],
    ['startsWith no match', { name: { startsWith: 'Delete' } }, { name: 'XDelete' }, false],
    ['operators all hold', { name: { startsWith: 'Delete', ne: 'DeleteX' } }, { name: 'DeleteX' }, false],
  ])('%s', (_, when, patch, want) => {
    expect(matches(when, patch as never)).toBe(want);
  });
});

describe('when: combinators', () => {
  it.each([
    ['any: one holds', { any: [{ name: 'A' }, { name: 'B' }] }, { name: 'B' }, true],
    ['any: none holds', { any: [{ name: 'A' }, { name: 'B' }] }, { name: 'C' }, false],
    ['all: both hold', { all: [{ name: 'A' }, { region: 'ap-guangzhou' }] }, { name: 'A' }, true],
    ['all: one fails', { all: [{ name: 'A' }, { region: 'ap-beijing' }] }, { name: 'A' }, false],
    ['not', { not: { 'actor.type': 'Root' } }, { actor: { type: 'CAMUser' } }, true],
    ['not on a match', { not: { 'actor.type': 'Root' } }, { actor: { type: 'Root' } }, false],
    ['nested', { name: 'A', any: [{ not: { sourceIp: { cidr: '10.0.0.0/8' } } }, { 'actor.type': 'Root' }] }, { name: 'A', sourceIp: '10.0.0.1' }, false],
  ])('%s', (_, when, patch, want) => {
    expect(matches(when, patch as never)).toBe(want);
  });
});

describe('when: invalid conditions are reported with their path', () => {
  it.each([
    ['unknown operator', { name: { equals: 'A' } }, 'when.name.equals: unknown operator "equals"'],
    ['bad CIDR prefix', { sourceIp: { cidr: '10.0.0.0/33' } }, 'when.sourceIp.cidr: invalid CIDR "10.0.0.0/33"'],
    ['bad v6 prefix', { sourceIp: { cidr: '2001:db8::/129' } }, 'when.sourceIp.cidr: invalid CIDR "2001:db8::/129"'],
    ['CIDR not an address', { sourceIp: { cidr: 'office' } }, 'when.sourceIp.cidr: invalid CIDR "office"'],
    ['bad regex', { name: { regex: '(' } }, 'when.name.regex: invalid regex "("'],
    ['unknown field', { eventName: 'A' }, 'when.eventName: unknown field "eventName"'],
    ['unknown sub-field', { 'actor.arn': 'A' }, 'when.actor.arn: unknown field "actor.arn"'],
    ['empty list', { name: [] }, 'when.name: an empty list matches nothing'],
    ['object in a list', { name: [{ eq: 'A' }] }, 'when.name.0: list items must be'],
    ['no operator', { name: {} }, 'when.name: no operator given'],
    ['exists not boolean', { error: { exists: 'yes' } }, 'when.error.exists: exists takes true or false'],
    ['in not a list of scalars', { name: { in: [{}] } }, 'when.name.in: in takes a non-empty list'],
    ['gt not a number', { 'raw.n': { gt: true } }, 'when.raw.n.gt: gt takes a number or a string'],
    ['ignoreCase not boolean', { name: { eq: 'A', ignoreCase: 'yes' } }, 'when.name.ignoreCase: ignoreCase must be true or false'],
    ['any not a list', { any: { name: 'A' } }, 'when.any: any takes a non-empty list'],
    ['all empty', { all: [] }, 'when.all: all takes a non-empty list'],
    ['nested error in any', { any: [{ name: 'A' }, { sourceIp: { cidr: '1.2.3.4/40' } }] }, 'when.any.1.sourceIp.cidr: invalid CIDR'],
    ['not a map', ['A'], 'when: expected a map'],
  ])('%s', (_, when, want) => {
    const found = problems(when);
    expect(found.some((p) => p.startsWith(want)), `${JSON.stringify(found)} should contain ${want}`).toBe(true);
  });

  it('reports every problem, not only the first', () => {
    expect(problems({ name: { bogus: 1 }, sourceIp: { cidr: '1.1.1.1/99' }, nope: 1 })).toHaveLength(3);
  });
});

describe('when: name pinning for the index', () => {
  it.each([
    [{ name: 'A' }, ['A']],
    [{ name: ['A', 'B'] }, ['A', 'B']],
    [{ name: { eq: 'A' } }, ['A']],
    [{ name: { in: ['A', 'B'] } }, ['A', 'B']],
    [{ name: 'Delete*' }, undefined],
    [{ name: ['A', 'B*'] }, undefined],
    [{ name: { eq: 'a', ignoreCase: true } }, undefined],
    [{ name: { ne: 'A' } }, undefined],
    [{ 'actor.type': 'Root' }, undefined],
  ])('%j pins %j', (when, names) => {
    expect(compileWhen(when, [], [])!.names).toEqual(names);
  });
});
