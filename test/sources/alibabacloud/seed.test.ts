// Seed 004 (Alibaba Cloud's own ActionTrail guide, 监控异常操作频率并报警) asks for three alerts:
// the root account signing in to the console (ConsoleSignin by root-account), a Delete*/Remove*
// call, and failed calls in the last 5 minutes up more than 30% on the 5 before. Here they run on
// ActionTrail records fetched by the real source from the emulator, through the recommended pack.
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/events/index.js';
import { compileRules } from '../../../src/rules/compile.js';
import { createEngine } from '../../../src/rules/engine.js';
import { loadRules } from '../../../src/rules/load.js';
import { makeActionTrailEvent, TEST_ACCOUNT_ID, type ActionTrailRecord } from '../../helpers/actiontrail-emulator/index.js';
import { alibabaHarness, type AlibabaHarness } from './harness.js';

const BASE = Date.parse('2026-11-20T08:00:00Z');
const t = (minutes: number, seconds = 0) => new Date(BASE + minutes * 60_000 + seconds * 1000);
/** The run's point: the spike rule judges the 5 minutes before it against the 5 before those. */
const POINT = t(10);
const CODES = ['Forbidden.RAM', 'InvalidParameter', 'EntityNotExist.User', 'NoPermission'];

let h: AlibabaHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function failures(count: number, from: Date, stepSeconds: number): ActionTrailRecord[] {
  return Array.from({ length: count }, (_, i) =>
    makeActionTrailEvent({ name: 'DescribeInstanceAttribute', time: new Date(from.getTime() + i * stepSeconds * 1000), errorCode: CODES[i % CODES.length], userName: `svc-${i % 3}` }),
  );
}

const scenario = (newFailures: number): ActionTrailRecord[] => [
  ...failures(10, t(0, 30), 25), // 08:00:30 .. 08:04:15
  ...failures(newFailures - 1, t(5, 10), 20), // from 08:05:10
  makeActionTrailEvent({ id: 'failed-delete', name: 'DeleteInstance', time: t(9, 40), errorCode: 'IncorrectInstanceStatus', errorMessage: 'The current status of the resource does not support this operation.' }),
  makeActionTrailEvent({ id: 'root-signin', name: 'ConsoleSignin', time: t(6), actorType: 'root-account', sourceIp: '192.0.2.41' }),
  makeActionTrailEvent({ id: 'ram-signin', name: 'ConsoleSignin', time: t(6, 30), actorType: 'ram-user' }),
  makeActionTrailEvent({ id: 'cert-deleted', name: 'DeleteUserCertificate', time: t(7), service: 'Cas', resourceType: 'ACS::CAS::Certificate', resourceName: '12345678' }),
  makeActionTrailEvent({ id: 'user-removed', name: 'RemoveUserFromGroup', time: t(7, 30), service: 'Ram', resourceName: 'ops' }),
  makeActionTrailEvent({ id: 'read', name: 'DescribeInstances', time: t(8) }),
];

/** The events as `audit check` gets them (the real source over HTTP), through the recommended pack. */
async function run(records: ActionTrailRecord[]) {
  h = await alibabaHarness({ account: TEST_ACCOUNT_ID }, { events: records }, { now: () => POINT });
  const events: AuditEvent[] = [];
  for await (const batch of h.source.fetch(h.source.partitions()[0], { start: t(0), end: POINT })) events.push(...batch);
  const ruleSet = compileRules(await loadRules([{ builtin: 'recommended' }], { baseDir: process.cwd() }));
  const engine = createEngine(ruleSet, {
    start: { historyFromMs: POINT.getTime() - ruleSet.lookbackMs, firstPointMs: POINT.getTime() },
    now: () => new Date('2030-01-01T00:00:00Z'),
  });
  const alerts = [...events.flatMap((e) => engine.push(e)), ...engine.advance(POINT.getTime())];
  return { events, alerts };
}

describe('seed 004: ActionTrail scenarios through the recommended pack', () => {
  it('raises root-console-login, resource-deletion for each successful Delete*/Remove*, and failed-calls-spike (10 → 14)', async () => {
    const { events, alerts } = await run(scenario(14));
    expect(events).toHaveLength(29);
    expect(alerts.map((a) => [a.rule.id, a.event.id, a.count])).toEqual([
      ['root-console-login', 'root-signin', 1],
      ['resource-deletion', 'cert-deleted', 1],
      ['resource-deletion', 'user-removed', 1],
      ['failed-calls-spike', 'failed-delete', 14],
    ]);
    const [signin, cert, , spike] = alerts;
    expect(signin.summary).toContain(`(account ${TEST_ACCOUNT_ID})`);
    expect(signin.summary).toContain('192.0.2.41');
    expect(signin.event).toMatchObject({ provider: 'alibabacloud', login: true, actor: { type: 'root-account', root: true } });
    expect(cert.event).toMatchObject({ service: 'Cas', error: null, resources: [{ type: 'ACS::CAS::Certificate', name: '12345678' }] });
    expect(spike.window).toEqual({ start: '2026-11-20T08:05:00Z', end: '2026-11-20T08:10:00Z' });
    expect(spike.summary).toContain('40%');
  });

  it('stays quiet when failures rise by 30% exactly (10 → 13): the guide alerts above 30%', async () => {
    const { alerts } = await run(scenario(13));
    expect(alerts.map((a) => a.rule.id)).toEqual(['root-console-login', 'resource-deletion', 'resource-deletion']);
  });
});
