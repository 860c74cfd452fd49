import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareRules } from '../../../src/config/validate.js';
import { checkSession } from '../../../src/pipeline.js';
import { kafkaSource } from '../../../src/sources/kafka/index.js';
import { ALL_TIME } from '../../../src/sources/types.js';
import { createLogger } from '../../../src/util/logger.js';
import { makeActionTrailEvent } from '../../helpers/actiontrail-emulator/index.js';
import { makeCloudTrailEvent } from '../../helpers/cloudtrail-emulator/index.js';
import { makeEvent } from '../../helpers/emulator/index.js';
import { inProcessCheck } from '../../helpers/in-process.js';
import { haveKcat, startMockKafka, type MockKafka } from '../../helpers/kafka.js';

let cluster: MockKafka | undefined;
let work: string | undefined;
afterEach(async () => {
  await cluster?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  cluster = work = undefined;
});

const ago = (ms: number) => new Date(Date.now() - ms);
/** A root sign-in of each provider: each raises the root-console-login built-in. */
const rootLogins = () => [
  JSON.stringify(makeEvent({ name: 'ConsoleLogin', time: ago(60_000), sourceIp: '198.51.100.1' })),
  JSON.stringify(makeCloudTrailEvent({ name: 'ConsoleLogin', time: ago(50_000), identity: 'Root', sourceIp: '198.51.100.2' })),
  JSON.stringify(makeActionTrailEvent({ name: 'ConsoleSignin', time: ago(40_000), actorType: 'root-account', sourceIp: '198.51.100.3' })),
];

async function session(topic: string, group: string) {
  work ??= await mkdtemp(join(tmpdir(), 'audit-kafka-'));
  const { deps, loaded, req, printed } = inProcessCheck(work, { source: { provider: 'kafka', brokers: cluster!.brokers, topic, group, maxWaitMs: 2_000 } });
  const s = checkSession(deps, loaded, await prepareRules(loaded));
  return { run: () => s.run(req), alerts: printed };
}


const ctx = { logger: createLogger('silent'), env: {}, now: () => new Date() };
const sourceOpts = (group: string, extra: Record<string, unknown> = {}) =>
  kafkaSource.options.parse({ provider: 'kafka', brokers: cluster!.brokers, topic: 'trail', group, maxWaitMs: 2_000, ...extra });

describe.skipIf(!haveKcat())('kafka source (librdkafka mock cluster through kcat)', () => {
  it('raises the alerts of CloudAudit, CloudTrail and ActionTrail messages, quarantines a bad one, commits after the save', async () => {
    cluster = await startMockKafka({ topic: 'trail' });
    await cluster.produce([...rootLogins(), 'not json {', JSON.stringify({ hello: 'world' })]);
    const s = await session('trail', 'g1');
    const first = await s.run();
    expect(first.code).toBe(0);
    expect(s.alerts().map((a) => a.event.provider).sort()).toEqual(['alibabacloud', 'aws', 'tencentcloud']);
    expect(first.summary?.quarantined).toBe(2);
    expect(await cluster!.committed('g1')).toBe(5);
    // Nothing left uncommitted: the next run reads nothing and raises nothing.
    const second = await s.run();
    expect(second.summary?.events).toBe(0);
    expect(s.alerts()).toHaveLength(3);
  }, 120_000);

  it('a run that dies before the save commits nothing: the next run reads the messages again and raises each alert once', async () => {
    cluster = await startMockKafka({ topic: 'trail' });
    await cluster.produce(rootLogins());
    // The crash: read and evaluated, never saved, so never committed.
    const crashed = await kafkaSource.create(sourceOpts('g2'), ctx);
    let read = 0;
    for await (const batch of crashed.fetch('kafka/trail', ALL_TIME)) read += batch.length;
    await crashed.close?.();
    expect(read).toBe(3);
    expect(await cluster!.committed('g2')).toBe(0);

    const s = await session('trail', 'g2');
    expect((await s.run()).summary?.events).toBe(3);
    expect(s.alerts()).toHaveLength(3);
    // Offsets lost after the save (a commit that failed): re-read, deduped, not raised again.
    await cluster.rewind('g2');
    expect(await cluster!.committed('g2')).toBe(0);
    const again = await s.run();
    expect(again.summary?.events).toBe(3);
    expect(again.summary?.alerts).toBe(0);
    expect(s.alerts()).toHaveLength(3);
  }, 120_000);

  it('two consumers in one group share the partitions; a partition moved mid-run is read by a later run, never lost', async () => {
    cluster = await startMockKafka({ topic: 'trail' });
    const messages = Array.from({ length: 40 }, (_, i) => ({
      key: `k${i}`,
      value: JSON.stringify(makeCloudTrailEvent({ name: 'DescribeInstances', id: `evt-${i}`, time: ago(60_000 - i) })),
    }));
    await cluster.produce(messages);
    const consume = async () => {
      const source = await kafkaSource.create(sourceOpts('g3', { maxWaitMs: 3_000 }), ctx);
      const ids: string[] = [];
      for await (const batch of source.fetch('kafka/trail', ALL_TIME)) {
        for (const e of batch) ids.push(e.id);
        // Slow enough that the second member joins before the first has read everything.
        await new Promise((r) => setTimeout(r, 300));
      }
      await source.commit?.();
      await source.close?.();
      return ids;
    };
    const [a, b] = await Promise.all([consume(), new Promise((r) => setTimeout(r, 500)).then(consume)]);
    const all = [...a, ...b];
    // Each member reads only its own share, so together they read less than twice the topic.
    expect(all.length).toBeLessThan(80);
    // At least once: a partition that moved to the other member mid-run was not committed by either,
    // so a later run reads it; nothing is ever lost.
    const seen = new Set(all);
    for (let round = 0; seen.size < 40 && round < 3; round++) for (const id of await consume()) seen.add(id);
    expect(seen.size).toBe(40);
  }, 150_000);
});
