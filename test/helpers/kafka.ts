import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { engineAvailable } from './engines.js';
import { Kafka, logLevel } from 'kafkajs';

/**
 * A real Kafka-protocol cluster for the tests: librdkafka's mock brokers, started inside a `kcat`
 * producer (Debian package `kcat`). The cluster lives as long as that process (its stdin stays open
 * and unused: kcat produces from stdin only in large buffers); messages are produced with kafkajs.
 */
export interface MockKafka {
  brokers: string[];
  topic: string;
  /**
   * Moves a group's committed offsets back to each partition's start. admin.resetOffsets cannot:
   * it asks DescribeGroups, which the mock does not answer; a member of the (empty) group commits instead.
   */
  rewind(group: string): Promise<void>;
  /** Messages the group has committed, over the topic's partitions. */
  committed(group: string): Promise<number>;
  /** Produces the messages and resolves once the topic's high watermarks account for them. */
  produce(messages: readonly (string | { key: string; value: string })[]): Promise<void>;
  stop(): Promise<void>;
}

const KCAT = process.env.KCAT ?? 'kcat';

/** See engines.ts: false (and a note) on a developer machine without kcat; throws under CI. */
export const haveKcat = () => engineAvailable(KCAT, ['-V'], 'kcat');

function requireKcat(): void {
  const probe = spawnSync(KCAT, ['-V'], { shell: false, encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`kcat not found (${probe.error?.message ?? `exit ${probe.status}`}): install it (Debian/Ubuntu: apt-get install kcat) to run the Kafka tests`);
  }
}

export async function startMockKafka(opts: { topic: string; extra?: string[] }): Promise<MockKafka> {
  requireKcat();
  const args = ['-X', 'test.mock.num.brokers=3', ...(opts.extra ?? []), '-b', 'placeholder:9092', '-P', '-t', opts.topic];
  const child = spawn(KCAT, args, { shell: false, stdio: ['pipe', 'ignore', 'pipe'] });
  const brokers = await bootstrapOf(child);
  const kafka = new Kafka({ clientId: 'test-helper', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  // The mock answers no CreateTopics through kafkajs (no controller): the first produce auto-creates the topic with the mock's default partition count.
  let produced = 0;
  const total = async () => (await admin.fetchTopicOffsets(opts.topic)).reduce((n, p) => n + Number(p.high), 0);
  return {
    brokers,
    topic: opts.topic,
    async produce(messages) {
      await producer.send({ topic: opts.topic, messages: messages.map((m) => (typeof m === 'string' ? { value: m } : m)) });
      produced += messages.length;
      const deadline = Date.now() + 15_000;
      while ((await total()) < produced) {
        if (Date.now() > deadline) throw new Error(`mock kafka: ${produced} messages written, fewer acknowledged after 15s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async committed(group) {
      const [t] = await admin.fetchOffsets({ groupId: group, topics: [opts.topic] });
      return t.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    },
    async rewind(group) {
      const consumer = kafka.consumer({ groupId: group, allowAutoTopicCreation: false, sessionTimeout: 10_000, maxWaitTimeInMs: 500 });
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
        // Reads nothing (never resolves an offset, never auto-commits): it is only there to commit.
        await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
        await joined;
        const lows = await admin.fetchTopicOffsets(opts.topic);
        await consumer.commitOffsets(lows.map((p) => ({ topic: opts.topic, partition: p.partition, offset: p.low })));
      } finally {
        await consumer.disconnect();
      }
    },
    async stop() {
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** The mock cluster prints where it listens on stderr; an early exit or silence is an error. */
function bootstrapOf(child: ChildProcess): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => fail(new Error(`kcat printed no mock bootstrap servers in 10s: ${text.slice(0, 500)}`)), 10_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('error', (err) => fail(new Error(`kcat failed to start: ${err.message}`)));
    child.once('exit', (code) => fail(new Error(`kcat exited (${code}) before the mock cluster was up: ${text.slice(0, 500)}`)));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      text += chunk;
      const m = /replaced with ((?:127\.0\.0\.1:\d+,?)+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(m[1].split(',').filter(Boolean));
      }
    });
  });
}
