import type { AuditEvent } from '../../events/index.js';
import { AuditError } from '../../errors.js';
import { defineSource, type Source } from '../types.js';
import type { GroupReader } from './group.js';
import { kafkaOptions } from './options.js';

export { kafkaOptions };

/**
 * A Kafka topic of delivered trail records as a stream source. Its one partition `kafka/<topic>`
 * keeps the checkpoint (when a run last caught up: what health and window judging go on); where
 * the reading stands is the consumer group's offsets, in Kafka, so that several workers in one
 * group share the topic's partitions however Kafka assigns them.
 */
export const kafkaSource = defineSource({
  provider: 'kafka',
  options: kafkaOptions,
  stream: true,
  async create(opts, ctx): Promise<Source> {
    // Loaded here: every check imports the plugin list, and only a Kafka source needs the client and the record formats.
    const [kafkajs, { openGroupReader }, { decoder, problemOf }] = await Promise.all([import('kafkajs'), import('./group.js'), import('./decode.js')]);
    // CommonJS: the bundle (dist/) sees its exports under default only, node and vitest under both.
    const { Kafka, logLevel } = kafkajs.default ?? kafkajs;
    const decode = decoder(opts.format);
    const name = `kafka/${opts.topic}`;
    // kafkajs's own lines go through our logger (which masks secrets), quietly: its errors reach us as exceptions too.
    const logCreator = () => (entry: { level: number; log: { message: string } }) => {
      if (entry.level <= logLevel.WARN) ctx.logger.debug({ topic: opts.topic }, `kafkajs: ${entry.log.message}`);
    };
    const kafka = new Kafka({
      clientId: 'audit-watch',
      brokers: opts.brokers,
      ssl: opts.ssl,
      sasl: opts.sasl ? { mechanism: opts.sasl.mechanism, username: opts.sasl.username, password: opts.sasl.password } as never : undefined,
      logLevel: logLevel.WARN,
      logCreator,
      connectionTimeout: 5_000,
      retry: { retries: 3 },
    });
    let reader: GroupReader | undefined;
    let calls = 0;
    // The latest event time read per Kafka partition: its watermark (state/watermark.ts).
    const latest = new Map<number, number>();
    const open = async () => {
      try {
        return (reader ??= await openGroupReader(kafka, opts, ctx.logger));
      } catch (err) {
        const auth = (err as { name?: string }).name === 'KafkaJSSASLAuthenticationError';
        throw new AuditError(auth ? 'E_AUTH' : 'E_SOURCE', `${name}: cannot join group ${JSON.stringify(opts.group)}: ${(err as Error).message}`, { cause: err });
      }
    };
    return {
      stream: true,
      partitions: () => [name],
      stats: () => ({ apiCalls: calls, retries: 0 }),
      // The range does not apply: a stream yields what the group has not committed, whatever its time.
      async *fetch(_partition, _range, options): AsyncIterable<AuditEvent[]> {
        // A watcher keeps its membership between runs: each run goes on from the committed offsets.
        const group = await open();
        await group.restart();
        latest.clear();
        calls = 0;
        for (let chunk = await group.next(options?.signal); chunk; chunk = await group.next(options?.signal)) {
          calls++;
          const events: AuditEvent[] = [];
          let high = latest.get(chunk.partition) ?? -Infinity;
          for (const m of chunk.messages) {
            try {
              const event = decode(m.value);
              const ms = Date.parse(event.time);
              if (ms > high) high = ms;
              events.push(event);
            } catch (err) {
              // Where it is, not what it holds: a message may carry anything, secrets included.
              const why = `${name}/${chunk.partition}@${m.offset}: ${problemOf(err)}`;
              ctx.logger.warn(`${why}; message set aside`);
              ctx.skipped?.(why);
            }
          }
          if (Number.isFinite(high)) latest.set(chunk.partition, high);
          if (events.length > 0) yield events;
          // Only now evaluated: a run stopped inside the loop leaves this chunk uncommitted.
          group.done(chunk);
          options?.onProgress?.({ partition: name, pages: calls, events: events.length });
        }
      },
      commit: async () => void (await reader?.commit()),
      progress: () => (reader?.partitions() ?? []).map(({ partition, caughtUp }) => ({ name: `${name}/${partition}`, latestMs: latest.get(partition), caughtUp })),
      close: async () => {
        await reader?.close();
        reader = undefined;
      },
    };
  },
});
