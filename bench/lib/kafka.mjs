// librdkafka's mock cluster for the fleet case, hosted as test/helpers/kafka.ts does: a long-lived
// `kcat -P` keeps it alive (its stdin stays open and unused: kcat produces from stdin only in
// large buffers, so messages go in through kafkajs instead).
import { spawn } from 'node:child_process';

export const KCAT = process.env.KCAT || 'kcat';

/** The mock prints where it listens on stderr; an early exit or 10 s of silence is an error. */
function bootstrapOf(child) {
  return new Promise((resolve, reject) => {
    let text = '';
    const fail = (err) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`kcat printed no mock bootstrap servers in 10 s: ${text.slice(0, 500)}`)), 10_000);
    child.once('error', (err) => fail(new Error(`kcat failed to start: ${err.message}`)));
    child.once('exit', (code) => fail(new Error(`kcat exited (${code}) before the mock cluster was up: ${text.slice(0, 500)}`)));
    child.stderr.setEncoding('utf8');
    const onData = (chunk) => {
      text += chunk;
      const m = /replaced with ((?:127\.0\.0\.1:\d+,?)+)/.exec(text);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stderr.off('data', onData);
      child.stderr.resume();
      resolve(m[1].split(',').filter(Boolean));
    };
    child.stderr.on('data', onData);
  });
}

/**
 * Starts the cluster (three mock brokers; a topic is created by its first produce, with the
 * mock's default of 4 partitions). Resolves { brokers, produce(topic, messages), partitions(topic), stop() }.
 */
export async function startMockKafka() {
  // Loaded here: only this case needs the client.
  const { Kafka, logLevel } = await import('kafkajs');
  const child = spawn(KCAT, ['-X', 'test.mock.num.brokers=3', '-b', 'placeholder:9092', '-P', '-t', 'bench-placeholder'], {
    shell: false,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  // Last resort for a bench that dies without reaching stop(): no mock cluster left behind.
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  const brokers = await bootstrapOf(child).catch((err) => {
    process.off('exit', onExit);
    throw err;
  });
  const kafka = new Kafka({ clientId: 'audit-bench', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  const stop = async () => {
    process.off('exit', onExit);
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
  };
  try {
    await Promise.all([admin.connect(), producer.connect()]);
  } catch (err) {
    await stop();
    throw err;
  }
  const offsets = (topic) => admin.fetchTopicOffsets(topic);
  return {
    brokers,
    partitions: async (topic) => (await offsets(topic)).length,
    /** Sends in batches, then waits until the high watermarks account for every message. */
    async produce(topic, messages, batch = 1_000) {
      for (let i = 0; i < messages.length; i += batch) await producer.send({ topic, messages: messages.slice(i, i + batch) });
      const deadline = Date.now() + 30_000;
      const total = async () => (await offsets(topic)).reduce((n, p) => n + Number(p.high), 0);
      while ((await total()) < messages.length) {
        if (Date.now() > deadline) throw new Error(`mock kafka: ${messages.length} messages sent to ${topic}, fewer acknowledged after 30 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop,
  };
}
