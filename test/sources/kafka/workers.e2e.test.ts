import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, jsonLines, runCli, spawnCli, type CliProcess } from '../../helpers/cli.js';
import { haveKcat, startMockKafka, type MockKafka } from '../../helpers/kafka.js';
import { haveRedis, startRedis, type RedisServer } from '../../helpers/redis.js';

const HAVE = haveKcat() && haveRedis();
const TOPIC = 'trail';
const N = 20_000;
const RULES = [
  { id: 'root-login', when: { login: true, 'actor.root': true } },
  { id: 'delete-burst', when: { name: 'DeleteBucket' }, window: '5m', count: { gte: 10 }, groupBy: ['actor.name'] },
  { id: 'failure-spike', when: { 'error.code': { exists: true } }, window: '5m', spike: { increase: '100%', minCount: 10 } },
];

/**
 * 20,000 events a third of a second apart, in time order: 40 users reading, a failed call every
 * minute with a spike of failures every 23 minutes, a burst of 12 deletions by one user every 7
 * minutes, a root sign-in every 10 minutes. Keys spread each burst over the partitions. Events
 * are in the normalized schema (detected per record like the others) to stay small: the mock
 * cluster keeps only about 5 MB per partition.
 */
function trail(endMs: number) {
  const startMs = endMs - N * 333;
  const out: { key: string; value: string }[] = [];
  for (let i = 0; i < N; i++) {
    const ms = startMs + i * 333;
    const minute = Math.floor((ms - startMs) / 60_000);
    const second = Math.floor((ms - startMs) / 1000) % 60;
    const user = (u: number) => ({ type: 'CAMUser', id: `1000${u}`, name: `u${u}`, accessKeyId: null, root: false });
    let e: Record<string, unknown> = { name: 'DescribeInstances', readOnly: true, actor: user(i % 40), error: null, login: false };
    if (minute % 7 === 3 && second < 36 && i % 3 === 0) e = { ...e, name: 'DeleteBucket', readOnly: false, actor: user(minute % 40) };
    else if (i % 180 === 5 || (minute % 23 === 11 && i % 9 === 0)) e = { ...e, error: { code: 'AuthFailure', message: 'denied' } };
    else if (i % 1800 === 7) e = { ...e, name: 'ConsoleLogin', type: 'ConsoleLogin', readOnly: false, login: true, actor: { type: 'Root', id: '100000000001', name: 'root', accessKeyId: null, root: true } };
    const event = {
      id: `e${i}`, time: new Date(ms).toISOString(), provider: 'tencentcloud', account: '100000000001', region: 'ap-guangzhou', type: 'ApiCall', service: 'cvm',
      sourceIp: `198.51.100.${i % 250}`, location: null, userAgent: null, sensitive: false, resources: [], requestId: null, raw: {}, ...e,
    };
    out.push({ key: `k${i % 97}`, value: JSON.stringify(event) });
  }
  return out;
}

let cluster: MockKafka;
let redis: RedisServer;
let work: string;
beforeAll(async () => {
  if (!HAVE) return;
  await ensureBuilt();
  [cluster, redis] = await Promise.all([startMockKafka({ topic: TOPIC }), startRedis()]);
  work = await mkdtemp(join(tmpdir(), 'audit-workers-'));
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  await redis?.close();
  if (work) await rm(work, { recursive: true, force: true });
});


describe.skipIf(!HAVE)('Kafka consumer group with state in Redis: many workers, one result', () => {
  it('3 workers over 4 partitions, one killed mid-stream and one added later: the alerts of one process over the same events, each raised once, offsets committed', async () => {
    // Ending half an hour ago: once every partition is caught up, points up to `lateness` (15m) ago are judged, the last windows included.
    const messages = trail(Date.now() - 30 * 60_000);
    const events = join(work, 'events.ndjson');
    await writeFile(events, messages.map((m) => m.value).join('\n') + '\n');
    const rules = join(work, 'rules.yaml');
    await writeFile(rules, JSON.stringify(RULES));
    // Caught up, a stream judges up to now: the file is judged as far (an hour on, past any window).
    const horizon = new Date(Date.now() + 3_600_000).toISOString();
    const oneProcess = await runCli(['rules', 'test', rules, '--events', events, '--until', horizon, '--output', 'json'], { timeoutMs: 60_000 });
    expect(oneProcess.code, oneProcess.stderr).toBe(0);
    // One line per rule, with the alerts it raised.
    const perRule = jsonLines<{ id: string; alerts: { id: string }[] }>(oneProcess.stdout);
    const expected = perRule.flatMap((r) => r.alerts.map((a) => a.id));
    expect(perRule.map((r) => [r.id, r.alerts.length > 0])).toEqual(RULES.map((r) => [r.id, true]));
    expect(expected.length).toBeGreaterThan(20);

    await cluster.produce(messages);
    const admin = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const partitions = (await admin.fetchTopicOffsets(TOPIC).finally(() => admin.disconnect())).length;
    expect(partitions).toBe(4);

    const config = join(work, 'audit.yaml');
    await writeFile(config, JSON.stringify({
      sources: [{ provider: 'kafka', brokers: cluster.brokers, topic: TOPIC, group: 'workers', maxBatch: 4_000, maxWaitMs: 2_000 }],
      rules: RULES,
      notifiers: [{ name: 'out', type: 'stdout', format: 'json' }],
      state: { dir: join(work, 'state'), backend: 'redis', url: redis.url, prefix: 'w:', lease: '5s' },
    }));
    const args = ['watch', '--schedule', '* * * * * *', '--lock-timeout', '10s', '--config', config];
    const start = () => spawnCli(args, { timeoutMs: 420_000 });
    const workers: CliProcess[] = [start(), start()];
    const runs = (p: CliProcess) => jsonLinesOf(p.stderr()).filter((l) => l.msg === 'check done' && Number(l.events) > 0).length;
    try {
      // Killed once it has done part of the work, mid-stream (a run of its may be under way).
      await until(() => workers.some((p) => runs(p) >= 1), 120_000);
      const doomed = workers.find((p) => runs(p) >= 1)!;
      doomed.child.kill('SIGKILL');
      await doomed.done;
      workers.push(start());
      // Offsets committed for every message, once the state holding their events was saved.
      await until(async () => (await cluster.committed('workers')) >= N, 180_000);
      const printed = () => workers.flatMap((p) => jsonLines<{ id: string }>(p.stdout()).map((a) => a.id));
      // The last points are judged by the run that finds every partition caught up.
      // Rebalances after the kill and the new member (10 s sessions each) can take a minute or two.
      await until(() => new Set(printed()).size >= new Set(expected).size, 180_000).catch(() => undefined);
      const exits = workers.map((p) => [p.child.exitCode, p.child.signalCode]);
      expect(new Set(printed()), `workers exited ${JSON.stringify(exits)}; ${workers.map((p) => p.stderr().split('\n').filter((l) => /"level":"(error|fatal)"|^audit:/.test(l)).slice(-3).join(' | ')).join(' || ')}`).toEqual(new Set(expected));
      // The work was shared: more than one worker read events from the topic.
      expect(workers.filter((p) => runs(p) > 0).length).toBeGreaterThanOrEqual(2);
      // Raised once each: no alert printed twice by the workers together.
      expect(printed()).toHaveLength(new Set(printed()).size);
    } finally {
      // Not a test of stopping (the watch tests are): a graceful stop waits out the group's rebalances.
      for (const p of workers) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await Promise.all(workers.map((p) => p.done));
    }
  }, 480_000);
});

function jsonLinesOf(text: string): Array<Record<string, unknown>> {
  return text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
