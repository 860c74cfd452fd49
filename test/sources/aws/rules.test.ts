import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/events/index.js';
import { compileRules } from '../../../src/rules/compile.js';
import { createEngine } from '../../../src/rules/engine.js';
import { loadRules } from '../../../src/rules/load.js';
import { makeCloudTrailEvent, type CloudTrailEventSpec } from '../../helpers/cloudtrail-emulator/index.js';
import { at, harness, HOUR, T0, type Harness } from './harness.js';

// CloudTrail events through the real source (SDK, emulator, normalizer) into the real
// recommended pack: the portable fields are what lets one rule serve every provider.

let h: Harness | undefined;
afterEach(async () => {
  await h?.source.close?.();
  await h?.emu.close();
  h = undefined;
});

const MIN = 60_000;

/** `since`: window points are judged from there, with one lookback of history before it, as a cron run would. */
async function alertsFor(specs: (Omit<CloudTrailEventSpec, 'time'> & { at: number })[], since?: Date) {
  h = await harness({}, { events: specs.map(({ at: ms, ...spec }) => makeCloudTrailEvent({ ...spec, time: at(ms) })) });
  const events: AuditEvent[] = await h.fetchAll({ start: T0, end: at(HOUR) });
  expect(events).toHaveLength(specs.length);
  const ruleSet = compileRules(await loadRules([{ builtin: 'recommended' }], { baseDir: '.' }));
  const start = since ? { historyFromMs: since.getTime() - ruleSet.lookbackMs, firstPointMs: since.getTime() } : undefined;
  const engine = createEngine(ruleSet, { start, now: () => at(2 * HOUR) });
  const alerts = [...events.flatMap((e) => engine.push(e)), ...(since ? engine.advance(since.getTime()) : engine.finish())];
  return alerts.map((a) => ({ rule: a.rule.id, name: a.event.name, summary: a.summary }));
}

describe('CloudTrail events and the recommended pack', () => {
  it('a Root ConsoleLogin raises root-console-login, naming the account and the missing MFA; an IAM user sign-in does not', async () => {
    const alerts = await alertsFor([
      { at: MIN, name: 'ConsoleLogin', identity: 'Root', mfa: false, sourceIp: '198.51.100.7' },
      { at: 2 * MIN, name: 'ConsoleLogin', identity: 'IAMUser', userName: 'alice', mfa: true },
    ]);
    expect(alerts).toEqual([
      {
        rule: 'root-console-login',
        name: 'ConsoleLogin',
        summary: 'Root account root (account 123456789012) signed in to the console from 198.51.100.7, WITHOUT MFA',
      },
    ]);
  });

  it('a successful DeleteBucket raises resource-deletion; a failed one does not', async () => {
    const alerts = await alertsFor([
      { at: MIN, name: 'DeleteBucket', resources: [{ type: 'AWS::S3::Bucket', arn: 'arn:aws:s3:::media-prod' }] },
      { at: 2 * MIN, name: 'DeleteBucket', errorCode: 'BucketNotEmpty', errorMessage: 'The bucket you tried to delete is not empty' },
      { at: 3 * MIN, name: 'ListBuckets' },
    ]);
    expect(alerts.map((a) => [a.rule, a.name])).toEqual([['resource-deletion', 'DeleteBucket']]);
  });

  it('StopLogging, DeleteTrail and UpdateTrail raise audit-tampering', async () => {
    const alerts = await alertsFor([
      { at: MIN, name: 'StopLogging', identity: 'AssumedRole' },
      { at: 2 * MIN, name: 'UpdateTrail' },
      { at: 3 * MIN, name: 'DeleteTrail' },
      { at: 4 * MIN, name: 'StartLogging' },
    ]);
    // DeleteTrail is a deletion too.
    expect(alerts.map((a) => [a.rule, a.name]).sort()).toEqual([
      ['audit-tampering', 'DeleteTrail'],
      ['audit-tampering', 'StopLogging'],
      ['audit-tampering', 'UpdateTrail'],
      ['resource-deletion', 'DeleteTrail'],
    ]);
  });

  it('failed calls up more than 30% on the 5 minutes before raise failed-calls-spike', async () => {
    const failed = (ms: number) => ({ at: ms, name: 'PutObject', errorCode: 'AccessDenied', errorMessage: 'Access Denied' });
    const alerts = await alertsFor([
      ...[0, 1, 2, 3, 4].map((i) => failed(MIN + i * 40_000)),
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => failed(6 * MIN + i * 20_000)),
    ], at(10 * MIN));
    expect(alerts.map((a) => a.rule)).toEqual(['failed-calls-spike']);
    expect(alerts[0].summary).toContain('rose 60% (5 → 8) over 5m');
    expect(alerts[0].summary).toContain('failed: AccessDenied');
  });
});
