import * as z from 'zod';
import { sourceCommonFields } from '../common.js';

/** What a Kafka message holds: detected per message, or forced. */
export const KAFKA_FORMATS = ['auto', 'tencentcloud', 'alibabacloud', 'aws', 'cls-json'] as const;

// host:port only: brokers are logged, so no user:password@ and no scheme.
const brokerSchema = z
  .string()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, { message: 'expected host:port, e.g. 127.0.0.1:9092' })
  .describe('A bootstrap broker, host:port.');

const saslSchema = z
  .strictObject({
    mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).describe('SASL mechanism. CLS\'s Kafka protocol takes plain.'),
    username: z.string().min(1).describe('SASL user. For CLS: the logset id, e.g. ${CLS_LOGSET_ID}.'),
    password: z
      .string()
      .min(1)
      .describe('SASL password, a secret (masked in every log line and message). For CLS: "${TENCENTCLOUD_SECRET_ID}#${TENCENTCLOUD_SECRET_KEY}".'),
  })
  .describe('SASL authentication; absent: none. Use ssl: true with it anywhere but a private network.');

/** The `sources:` entry for a Kafka topic of delivered trail records. Only the options; kafkajs is loaded on create. */
export const kafkaOptions = z
  .strictObject({
    provider: z.literal('kafka').describe('kafka: consume delivered trail records from a Kafka topic (or CLS over the Kafka protocol) as a consumer group.'),
    brokers: z.array(brokerSchema).min(1).describe('Bootstrap brokers, host:port each.'),
    topic: z.string().min(1).max(249).describe('The topic the trail is delivered to.'),
    group: z
      .string()
      .min(1)
      .describe('Consumer group: offsets are committed under it after each run saved its state; several `audit watch` in one group split the partitions.'),
    sasl: saslSchema.optional(),
    ssl: z.boolean().default(false).describe('TLS to the brokers. Default false.'),
    format: z
      .enum(KAFKA_FORMATS)
      .default('auto')
      .describe(
        'How a message is read. auto (default): a JSON record of any provider, detected per message (as --input does), or a CLS JSON message; tencentcloud, alibabacloud, aws: every message read as that provider\'s record; cls-json: a CLS log whose fields hold a CloudAudit record.',
      ),
    maxBatch: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(10_000)
      .describe('At most this many messages per run; the rest wait, uncommitted, for the next run. Default 10000.'),
    // Bounded: a run waiting for messages that are not there must not hold up the next tick.
    maxWaitMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(5_000)
      .describe('Milliseconds a run waits without a message (or for the group to be joined) before it stops with what it has; 100 to 60000. Default 5000.'),
    ...sourceCommonFields,
  })
  .describe('Trail records delivered to a Kafka topic, consumed as a group; offsets are committed only after the run saved its state.');

export type KafkaOptions = z.output<typeof kafkaOptions>;
