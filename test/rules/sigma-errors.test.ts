// What Sigma rules cannot do here is an error at file:line:column naming the feature, never a
// rule that silently never matches.
import { describe, expect, it } from 'vitest';
import { checkSigmaTexts } from '../../src/rules/sigma/index.js';

const issuesOf = (...texts: string[]) => checkSigmaTexts(texts.map((text, i) => ({ display: `r${i}.yml`, text }))).flatMap((r) => r.issues);

/** A rule whose detection (indented by two) starts on line 6. */
const rule = (detection: string) => `title: T\nid: t-1\nlogsource:\n  product: aws\ndetection:\n${detection}`;

describe('Sigma: unsupported and invalid detections', () => {
  const rows: [string, string, string[]][] = [
    ['an encoding modifier', rule('  sel:\n    eventName|base64offset|contains: x\n  condition: sel\n'),
      ['r0.yml:7:5: detection.sel["eventName|base64offset|contains"]: modifier "base64offset" is not supported (supported: contains, startswith, endswith, re, cidr, exists, lt, lte, gt, gte, all, cased, i)']],
    ['windash', rule('  sel:\n    userAgent|windash|contains: -x\n  condition: sel\n'), [expect.stringMatching(/^r0\.yml:7:5: .*modifier "windash" is not supported/)] as never],
    ['expand', rule('  sel:\n    userAgent|expand: "%x%"\n  condition: sel\n'), [expect.stringMatching(/^r0\.yml:7:5: .*modifier "expand" is not supported/)] as never],
    ['regex flags other than i', rule('  sel:\n    userAgent|re|m: x\n  condition: sel\n'), [expect.stringMatching(/^r0\.yml:7:5: .*modifier "m" is not supported/)] as never],
    ['a misspelt modifier', rule('  sel:\n    userAgent|contians: x\n  condition: sel\n'),
      ['r0.yml:7:5: detection.sel["userAgent|contians"]: unknown modifier "contians" (did you mean "contains"?)']],
    ['two matchers', rule('  sel:\n    userAgent|contains|startswith: x\n  condition: sel\n'),
      ['r0.yml:7:5: detection.sel["userAgent|contains|startswith"]: modifiers "contains" and "startswith" cannot be combined']],
    ['i without re', rule('  sel:\n    userAgent|contains|i: x\n  condition: sel\n'), [expect.stringMatching(/7:5: .*modifier "i" only follows "re"/)] as never],
    ['null with a modifier', rule('  sel:\n    userAgent|contains: null\n  condition: sel\n'),
      ['r0.yml:7:25: detection.sel["userAgent|contains"]: null cannot take the modifier "contains"']],
    ['an unsafe regex, at its list item', rule('  sel:\n    userAgent|re:\n      - ok\n      - (a+)+$\n  condition: sel\n'),
      [expect.stringMatching(/^r0\.yml:9:9: detection\.sel\["userAgent\|re"\]\[1\]: pattern may take exponential time/)] as never],
    ['a bad CIDR', rule('  sel:\n    sourceIPAddress|cidr: 10.0.0.0/33\n  condition: sel\n'),
      ['r0.yml:7:27: detection.sel["sourceIPAddress|cidr"]: invalid CIDR "10.0.0.0/33"']],
    ['exists with text', rule('  sel:\n    userAgent|exists: yes\n  condition: sel\n'), [expect.stringMatching(/7:23: .*exists takes true or false/)] as never],
    ['keyword search', rule('  keywords:\n    - whoami\n    - mimikatz\n  condition: keywords\n'),
      ['r0.yml:6:3: detection.keywords: keyword search (a list of values without field names) is not supported']],
    ['a value without a field', rule('  sel:\n    "|contains": x\n  condition: sel\n'), [expect.stringMatching(/7:5: .*keyword search \(a value without a field name\)/)] as never],
    ['an empty selection', rule('  sel: {}\n  condition: sel\n'), ['r0.yml:6:8: detection.sel: an empty selection matches nothing']],
    ['timeframe', rule('  sel:\n    eventName: X\n  timeframe: 5m\n  condition: sel\n'),
      ['r0.yml:8:3: detection.timeframe: timeframe (an aggregation window) is not supported; write a correlation rule with a timespan']],
    ['no condition', rule('  sel:\n    eventName: X\n'), ['r0.yml:6:3: detection: detection needs a condition']],
    ['an aggregation in the condition', rule('  sel:\n    eventName: X\n  condition: sel | count() by userIdentity.arn > 5\n'),
      ['r0.yml:8:18: detection.condition: aggregation expressions ("| count() ...") are not supported; write a correlation rule (event_count, value_count)']],
    ['near', rule('  sel:\n    eventName: X\n  other:\n    eventName: Y\n  condition: sel near other\n'),
      ['r0.yml:10:18: detection.condition: "near" is not supported']],
    ['near first', rule('  sel:\n    eventName: X\n  condition: near sel\n'), ['r0.yml:8:14: detection.condition: "near" is not supported']],
    ['2 of', rule('  sel1:\n    eventName: X\n  condition: 2 of sel*\n'), ['r0.yml:8:14: detection.condition: "2 of" is not supported (only "1 of" and "all of")']],
    ['an unknown selection, at its column', rule('  sel:\n    eventName: X\n  condition: "sel and not filtr"\n'),
      ['r0.yml:8:27: detection.condition: unknown selection "filtr" (selections: sel)']],
    ['a pattern that matches nothing', rule('  sel:\n    eventName: X\n  condition: 1 of filter*\n'), ['r0.yml:8:19: detection.condition: no selection matches "filter*"']],
    ['a missing parenthesis', rule('  sel:\n    eventName: X\n  condition: (sel or sel\n'), ['r0.yml:8:25: detection.condition: missing ")"']],
    ['an extra parenthesis', rule('  sel:\n    eventName: X\n  condition: sel)\n'), ['r0.yml:8:17: detection.condition: unmatched ")"']],
    ['a dangling operator', rule('  sel:\n    eventName: X\n  condition: sel and\n'), [expect.stringMatching(/^r0\.yml:8:\d+: detection\.condition: the condition ends where/)] as never],
    ['a nested map as a value', rule('  sel:\n    eventName:\n      a: b\n  condition: sel\n'), [expect.stringMatching(/^r0\.yml:8:7: .*a nested map is not a Sigma value/)] as never],
  ];

  it.each(rows)('%s', (_, text, expected) => {
    expect(issuesOf(text)).toEqual(expected);
  });
});

describe('Sigma: unsupported and invalid rule attributes', () => {
  const rows: [string, string, string[]][] = [
    ['another log source', 'title: T\nid: t-1\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    Image: x\n  condition: sel\n', [
      'r0.yml:5:13: logsource.category: logsource category "process_creation" is not a cloud audit trail; this tool reads only aws, tencentcloud, alibabacloud, alibaba, aliyun',
      'r0.yml:4:12: logsource.product: logsource product "windows" is not a cloud audit trail this tool reads (aws, tencentcloud, alibabacloud, alibaba, aliyun)',
    ]],
    ['an unknown level', 'title: T\nid: t-1\nlevel: severe\ndetection:\n  sel:\n    eventName: X\n  condition: sel\n',
      ['r0.yml:3:8: level: unknown level "severe" (levels: informational, low, medium, high, critical)']],
    ['no id or name', 'title: T\ndetection:\n  sel:\n    eventName: X\n  condition: sel\n', ['r0.yml:1:1: a Sigma rule needs an id or a name (it becomes the rule id)']],
    ['a name that cannot be an id', 'title: T\nname: root/login\ndetection:\n  sel:\n    eventName: X\n  condition: sel\n',
      ['r0.yml:2:7: name: name "root/login" cannot be a rule id: use letters, digits, - and _']],
    ['a misspelt attribute', 'title: T\nid: t-1\ndetection:\n  sel:\n    eventName: X\n  condition: sel\nfalsepositive: [x]\n',
      ['r0.yml:7:1: falsepositive: unknown key "falsepositive" (did you mean "falsepositives"?)']],
    ['a rule collection', 'action: global\ntitle: T\nid: t-1\ndetection:\n  sel:\n    eventName: X\n  condition: sel\n',
      ['r0.yml:1:1: action: rule collections (action: global) are not supported; write each rule in full']],
    ['neither detection nor correlation', 'title: T\nid: t-1\n', ['r0.yml:1:1: a Sigma rule needs either detection or correlation (not both)']],
    ['not a map', '- title: T\n', ['r0.yml:1:1: expected a Sigma rule: a map with title, id, detection or correlation, ...']],
    ['invalid YAML', 'title: T\nid: [t-1\n', [expect.stringMatching(/^r0\.yml:\d+:\d+: invalid YAML: /)] as never],
  ];

  it.each(rows)('%s', (_, text, expected) => {
    expect(issuesOf(text)).toEqual(expected);
  });
});

describe('Sigma: unsupported and invalid correlations', () => {
  const base = 'title: Failed login\nname: failed_login\ndetection:\n  sel:\n    errorCode: AccessDenied\n  condition: sel\n---\n';
  /** A correlation after `base`: its `correlation:` key is on line 10. */
  const correlation = (body: string) => `${base}title: Many\nid: many\ncorrelation:\n${body}`;
  const rows: [string, string, string[]][] = [
    ['temporal', correlation('  type: temporal\n  rules: [failed_login]\n  timespan: 5m\n'),
      ['r0.yml:11:9: correlation.type: correlation type "temporal" is not supported (supported: event_count, value_count)']],
    ['temporal_ordered', correlation('  type: temporal_ordered\n  rules: [failed_login]\n  timespan: 5m\n'), [expect.stringContaining('correlation type "temporal_ordered" is not supported')] as never],
    ['value_sum', correlation('  type: value_sum\n  rules: [failed_login]\n  timespan: 5m\n'), [expect.stringContaining('correlation type "value_sum" is not supported')] as never],
    ['aliases', correlation('  type: event_count\n  rules: [failed_login]\n  timespan: 5m\n  condition: { gte: 2 }\n  aliases:\n    ip: { failed_login: sourceIPAddress }\n'),
      ['r0.yml:15:3: correlation.aliases: field name aliases are not supported']],
    ['an upper bound', correlation('  type: event_count\n  rules: [failed_login]\n  timespan: 5m\n  condition:\n    gt: 5\n    lte: 10\n'),
      ['r0.yml:16:5: correlation.condition.lte: condition "lte" is not supported (an upper bound; only gte and gt)']],
    ['value_count without a field', correlation('  type: value_count\n  rules: [failed_login]\n  timespan: 5m\n  condition: { gte: 2 }\n'),
      ['r0.yml:14:14: correlation.condition.field: value_count needs condition.field: the field whose different values are counted']],
    ['a timespan in words', correlation('  type: event_count\n  rules: [failed_login]\n  timespan: 1 hour\n  condition: { gte: 2 }\n'),
      ['r0.yml:13:13: correlation.timespan: timespan must be a number and s, m, h or d, e.g. 5m']],
    ['a timespan longer than a window may be', correlation('  type: event_count\n  rules: [failed_login]\n  timespan: 8d\n  condition: { gte: 2 }\n'),
      ['r0.yml:13:13: correlation.timespan: at most 7d']],
    ['an unknown rule', correlation('  type: event_count\n  rules: [failed_logins]\n  timespan: 5m\n  condition: { gte: 2 }\n'),
      ['r0.yml:12:11: correlation.rules[0]: no Sigma rule has the id or name "failed_logins" (did you mean "failed_login"?)']],
    ['a correlation of correlations', `${correlation('  type: event_count\n  rules: [failed_login]\n  timespan: 5m\n  condition: { gte: 2 }\n')}---\ntitle: More\nid: more\ncorrelation:\n  type: event_count\n  rules: [many]\n  timespan: 1h\n  condition: { gte: 2 }\n`,
      ['r0.yml:20:11: correlation.rules[0]: "many" is a correlation: correlations of correlations are not supported']],
    ['a misspelt key', correlation('  type: event_count\n  rules: [failed_login]\n  groupby: [userName]\n  timespan: 5m\n  condition: { gte: 2 }\n'),
      ['r0.yml:13:3: correlation.groupby: unknown correlation key "groupby" (did you mean "group-by"?)']],
  ];

  it.each(rows)('%s', (_, text, expected) => {
    expect(issuesOf(text)).toEqual(expected);
  });

  it('a correlation over a broken rule reports the rule only', () => {
    const text = correlation('  type: event_count\n  rules: [failed_login]\n  timespan: 5m\n  condition: { gte: 2 }\n').replace('errorCode:', 'errorCode|wide:');
    expect(issuesOf(text)).toEqual([expect.stringMatching(/^r0\.yml:5:5: .*modifier "wide" is not supported/)]);
  });
});
