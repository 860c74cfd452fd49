import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../../util/logger.js';

/** One Kafka partition's messages as fetched, handed over whole. */
export interface Chunk {
  partition: number;
  messages: { offset: string; value: Buffer | null }[];
}

export interface GroupReader {
  /** The next chunk, or undefined once this run has read enough (caught up, maxBatch, idle). */
  next(signal?: AbortSignal): Promise<Chunk | undefined>;
  /** The chunk was evaluated: its offsets may be committed after the state is saved. */
  done(chunk: Chunk): void;
  /** Commits what was done; a failure (a rebalance took the partition) only means a re-read. */
  commit(): Promise<number>;
  /** Every partition of the topic (as of the last join) and whether this run caught up with it; unknown before a join. */
  partitions(): { partition: number; caughtUp: boolean }[];
  /**
   * A watcher's next run, still a member of the group: reads its partitions again from their
   * committed offsets (what the last run did not save is read again) up to the high watermarks now.
   */
  restart(): Promise<void>;
  close(): Promise<void>;
}

// Joining a group (and each rebalance) can take seconds; that is not "no messages".
const JOIN_WAIT_MS = 30_000;

/**
 * A consumer-group member that reads until it has caught up with the high watermarks its
 * partitions had when it joined, then pauses. It never commits on its own (autoCommit off):
 * offsets move only when commit() is called, after the run's state was saved, so a crash
 * before the save re-reads the same messages (at least once; dedupe keeps alerts to one).
 */
export async function openGroupReader(kafka: Kafka, opts: { topic: string; group: string; maxBatch: number; maxWaitMs: number }, logger: Logger): Promise<GroupReader> {
  const { topic } = opts;
  const consumer: Consumer = kafka.consumer({
    groupId: opts.group,
    allowAutoTopicCreation: false,
    // A run is short: the next run's member joins only once this one's session is over (a broker
    // that ignores LeaveGroup, as librdkafka's mock does, or a run that crashed), so not 30s.
    sessionTimeout: 10_000,
    // Members are watchers that rejoin at once: a rebalance (and a disconnect during one) need not wait kafkajs's default minute.
    rebalanceTimeout: 15_000,
    // A fetch long-polls no longer than the run waits for a message, so close() does not wait 5s for it.
    maxWaitTimeInMs: Math.min(opts.maxWaitMs, 5_000),
  });
  const admin: Admin = kafka.admin();
  // A chunk's eachBatch waits until taken: evaluated (resolved: the next fetch starts after it) or not.
  type Held = Chunk & { taken: (evaluated: boolean) => void };
  const queue: Held[] = [];
  const handedOver = new Set<Held>(); // yielded by next(), not done() yet
  const lastDone = new Map<number, bigint>();
  const targets = new Map<number, bigint>(); // partition → the high watermark to reach
  let topicPartitions: number[] = [];
  let mine = new Set<number>();
  let joined = false;
  let stopped = false;
  let received = 0;
  let poke: () => void = () => undefined;
  const wake = () => poke();

  /**
   * Where this member's partitions stand and how far to read them: to the high watermarks as
   * they are now. `fromCommitted` (a new run of a watcher) forgets what was read but not saved:
   * each partition is read again from its committed offset.
   */
  const plan = (assigned: number[], fromCommitted: boolean) =>
    Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: opts.group, topics: [topic] })])
      .then(([highs, committed]) => {
        targets.clear();
        topicPartitions = highs.map((h) => h.partition).sort((a, b) => a - b);
        mine = new Set(assigned);
        const done = new Map(committed[0]?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
        for (const p of assigned) {
          const h = highs.find((x) => x.partition === p);
          if (!h) continue;
          const start = [done.get(p) ?? -1n, BigInt(h.low)].reduce((a, b) => (a > b ? a : b));
          if (fromCommitted) {
            lastDone.delete(p);
            if (start >= 0n) consumer.seek({ topic, partition: p, offset: start.toString() });
          }
          const from = [start, (lastDone.get(p) ?? -2n) + 1n].reduce((a, b) => (a > b ? a : b));
          if (from < BigInt(h.high)) targets.set(p, BigInt(h.high));
        }
        joined = true;
        wake();
      })
      .catch((err) => {
        // Without the watermarks, "caught up" is unknown: the run reads until idle instead.
        targets.set(-1, 2n ** 63n);
        if (topicPartitions.length === 0) topicPartitions = [...assigned].sort((a, b) => a - b);
        mine = new Set(assigned);
        joined = true;
        wake();
        logger.warn({ err: String(err) }, 'kafka: cannot read the partitions\' offsets; reading until idle');
      });

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    joined = false;
    void plan(e.payload.memberAssignment[topic] ?? [], false);
  });

  await Promise.all([consumer.connect(), admin.connect()]);
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, isStale, heartbeat, resolveOffset }) => {
      const room = opts.maxBatch - received;
      if (stopped || room <= 0 || isStale() || batch.messages.length === 0) return;
      // Already evaluated this run (a rebalance gave the partition back from its committed
      // offset): skipped, so one run hands each message over once.
      const evaluated = lastDone.get(batch.partition) ?? -1n;
      const fresh = batch.messages.filter((m) => BigInt(m.offset) > evaluated);
      if (fresh.length === 0) {
        resolveOffset(batch.messages[batch.messages.length - 1].offset);
        return;
      }
      const messages = fresh.slice(0, room).map((m) => ({ offset: m.offset, value: m.value }));
      received += messages.length;
      // Held until evaluated: memory holds one fetch's messages, and the next fetch starts after them.
      const wasEvaluated = await new Promise<boolean>((taken) => {
        queue.push({ partition: batch.partition, messages, taken });
        wake();
      });
      // Resolved in memory only (autoCommit is off, so kafkajs never commits it): without this,
      // kafkajs fetches the same messages again and again. Offsets reach Kafka only by commit().
      if (wasEvaluated) resolveOffset(messages[messages.length - 1].offset);
      await heartbeat().catch(() => undefined);
    },
  });

  const reached = (p: number) => !targets.has(p) || (lastDone.get(p) ?? -1n) + 1n >= targets.get(p)!;
  const caughtUp = () => joined && [...targets.keys()].every(reached);
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      consumer.pause([{ topic }]);
    } catch {
      // Not running (kafkajs restarting the consumer after an error): nothing to pause.
    }
    // Not evaluated: released unresolved (the in-flight one too), so kafkajs can stop.
    for (const c of [...queue.splice(0), ...handedOver]) c.taken(false);
    handedOver.clear();
  };

  return {
    async next(signal) {
      for (;;) {
        const chunk = queue.shift();
        if (chunk) {
          handedOver.add(chunk);
          return chunk;
        }
        // A full run still waits for the join's offsets: without them no partition's progress is known.
        if (stopped || signal?.aborted || (joined && received >= opts.maxBatch) || caughtUp()) return void stop();
        const waited = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), joined ? opts.maxWaitMs : JOIN_WAIT_MS);
          const onAbort = () => resolve(true);
          signal?.addEventListener('abort', onAbort, { once: true });
          poke = () => (clearTimeout(timer), signal?.removeEventListener('abort', onAbort), resolve(true));
        });
        if (!waited) {
          logger.debug({ topic, joined }, 'kafka: nothing more within the wait; this run stops here');
          return void stop();
        }
      }
    },
    done(chunk) {
      const last = BigInt(chunk.messages[chunk.messages.length - 1].offset);
      if (last > (lastDone.get(chunk.partition) ?? -1n)) lastDone.set(chunk.partition, last);
      const held = chunk as Held;
      if (handedOver.delete(held)) held.taken(true);
    },
    async commit() {
      const offsets = [...lastDone].map(([partition, last]) => ({ topic, partition, offset: (last + 1n).toString() }));
      if (offsets.length === 0) return 0;
      try {
        await consumer.commitOffsets(offsets);
        return offsets.length;
      } catch (err) {
        logger.warn({ topic, err: String(err) }, 'kafka: offsets not committed (the group rebalanced?); the next run reads those messages again and skips the events already seen');
        return 0;
      }
    },
    async restart() {
      if (!stopped) return;
      stopped = false;
      received = 0;
      joined = false;
      await plan([...mine], true);
      try {
        consumer.resume([{ topic }]);
      } catch {
        // Not running (kafkajs restarting after an error): it fetches again when it is.
      }
    },
    // Another member's partitions are not known to be caught up: their watermarks in the state hold windows back.
    partitions: () => topicPartitions.map((partition) => ({ partition, caughtUp: joined && mine.has(partition) && !targets.has(-1) && reached(partition) })),
    async close() {
      stop();
      await Promise.allSettled([consumer.disconnect(), admin.disconnect()]);
    },
  };
}
