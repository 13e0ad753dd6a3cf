import { randomUUID } from 'node:crypto';
import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import {
  KAFKA_THROUGHPUT_PROFILES,
  type KafkaThroughputProfile,
} from '../../lib/patterns/kafka-log/kafka-consumer.js';
import { progress } from '../shared/progress.js';
import { type Summary, summarize } from '../shared/stats.js';
import { waitFor } from '../shared/wait.js';

/**
 * The two throughput profiles on a real Kafka broker, side by side on the same machine:
 * - the producer: how long it lingers to fill a batch, how big a batch gets, compression and
 *   acks;
 * - the consumer: records per invocation (the event source's batch size) and how long a fetch
 *   waits for more (its batching window), from the KafkaConsumer pattern's profiles.
 * Latency is measured on paced messages (send call to consumer), throughput on a burst (first
 * send to last record consumed). The emulator ignores SQS batching windows; a broker does not.
 */

export interface ProducerProfile {
  /** How long a send waits for more messages to share its request. */
  readonly lingerMs: number;
  /** Most messages in one request. */
  readonly batchMessages: number;
  readonly compression: CompressionTypes;
  /** -1: every in-sync replica; 1: the leader only. */
  readonly acks: -1 | 1;
}

export const PRODUCER_PROFILES: Record<KafkaThroughputProfile, ProducerProfile> = {
  // Each record leaves at once in its own request, uncompressed, acknowledged by the leader.
  'low-latency': { lingerMs: 0, batchMessages: 1, compression: CompressionTypes.None, acks: 1 },
  // Records wait up to 20 ms to fill a request of up to 500, compressed, acknowledged by all replicas.
  'high-throughput': { lingerMs: 20, batchMessages: 500, compression: CompressionTypes.GZIP, acks: -1 },
};

export interface ProfileResult {
  readonly profile: KafkaThroughputProfile;
  readonly producer: ProducerProfile;
  readonly consumer: { readonly batchSize: number; readonly windowMs: number };
  readonly latencyMs?: Summary;
  readonly paced: number;
  /**
   * The burst: all of it consumed after `seconds`; `perSecond` is the rate until 90% was
   * consumed, before the last fetches wait out the batching window for records that never come.
   */
  readonly burst: {
    readonly messages: number;
    readonly seconds: number;
    readonly secondsTo90Percent: number;
    readonly perSecond: number;
  };
  /** Consumer batches (invocations on AWS) per 1,000 messages of the burst. */
  readonly batchesPerThousand: number;
}

/** About the size of an order event on the log. */
const RECORD_BYTES = 250;

/** A record shaped like an order event (ids and amounts vary, so it compresses as real ones do). */
function orderLike(id: string, i: number): string {
  return JSON.stringify({
    id,
    'detail-type': 'OrderConfirmed',
    detail: {
      metadata: { eventId: randomUUID(), occurredAt: new Date().toISOString() },
      data: {
        orderId: `ord-${i % 50}`,
        customerId: `cust-${randomUUID().slice(0, 8)}`,
        total: (i * 37) % 1000,
      },
    },
  });
}
const idOf = (value: string | undefined) => (JSON.parse(value ?? '{}') as { id?: string }).id ?? '';

/** A producer that lingers: sends are gathered for `lingerMs` or until `batchMessages`. */
function lingeringProducer(producer: Producer, topic: string, profile: ProducerProfile) {
  let pending: { message: Message; done: () => void; fail: (e: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let chain = Promise.resolve();
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    // One request at a time keeps each key's order, as an idempotent producer with one in flight does.
    chain = chain.then(() =>
      producer
        .send({
          topic,
          acks: profile.acks,
          compression: profile.compression,
          messages: batch.map((b) => b.message),
        })
        .then(
          () => {
            for (const b of batch) b.done();
          },
          (error: unknown) => {
            for (const b of batch) b.fail(error);
          },
        ),
    );
  };
  return {
    send(message: Message): Promise<void> {
      return new Promise<void>((done, fail) => {
        pending.push({ message, done, fail });
        if (pending.length >= profile.batchMessages || profile.lingerMs === 0) flush();
        else timer ??= setTimeout(flush, profile.lingerMs);
      });
    },
    flush,
  };
}

async function runProfile(
  kafka: Kafka,
  profile: KafkaThroughputProfile,
  options: BenchKafkaOptions,
): Promise<ProfileResult> {
  const producerProfile = PRODUCER_PROFILES[profile];
  const batching = KAFKA_THROUGHPUT_PROFILES[profile];
  const consumerProfile = {
    batchSize: batching.batchSize,
    windowMs: batching.maxBatchingWindow.toMilliseconds(),
  };
  const topic = `bench-${profile}-${randomUUID().slice(0, 6)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 6, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  await admin.disconnect();

  const received = new Map<string, number>();
  let batches = 0;
  const consumer = kafka.consumer({
    groupId: `bench-${profile}-${randomUUID().slice(0, 6)}`,
    // The batching window: a fetch waits this long for more records (at least a little).
    maxWaitTimeInMs: Math.max(10, consumerProfile.windowMs),
    // A fetch returns once it holds a full batch (about batchSize records) or the window ends.
    minBytes: consumerProfile.windowMs > 0 ? consumerProfile.batchSize * RECORD_BYTES : 1,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (let i = 0; i < batch.messages.length; i += consumerProfile.batchSize) {
        batches += 1;
        for (const m of batch.messages.slice(i, i + consumerProfile.batchSize))
          received.set(idOf(m.value?.toString()), now);
      }
    },
  });
  const producer = kafka.producer({ idempotent: producerProfile.acks === -1, maxInFlightRequests: 1 });
  await producer.connect();
  const sender = lingeringProducer(producer, topic, producerProfile);
  const message = (id: string, i: number): Message => ({ key: `ord-${i % 50}`, value: orderLike(id, i) });

  progress.step(`Kafka ${profile}: ${options.paced} paced messages, ${options.intervalMs} ms apart`);
  const sentAt = new Map<string, number>();
  const paced: Promise<void>[] = [];
  for (let i = 0; i < options.paced; i++) {
    const id = `paced-${i}`;
    sentAt.set(id, Date.now());
    paced.push(sender.send(message(id, i)));
    await new Promise((r) => setTimeout(r, options.intervalMs));
  }
  await Promise.all(paced);
  await waitFor(
    `the paced ${profile} messages`,
    async () => ([...sentAt.keys()].every((id) => received.has(id)) ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 50 },
  );
  const latencies = [...sentAt].map(([id, at]) => (received.get(id) ?? at) - at);

  progress.step(`Kafka ${profile}: a burst of ${options.burst} messages`);
  const batchesBefore = batches;
  const started = Date.now();
  const burst: Promise<void>[] = [];
  for (let i = 0; i < options.burst; i++) burst.push(sender.send(message(`burst-${i}`, i)));
  sender.flush();
  await Promise.all(burst);
  await waitFor(
    `the ${profile} burst`,
    async () =>
      received.has(`burst-${options.burst - 1}`) &&
      Array.from({ length: options.burst }, (_, i) => `burst-${i}`).every((id) => received.has(id))
        ? true
        : undefined,
    { timeoutMs: 120_000, intervalMs: 50 },
  );
  const done = Array.from({ length: options.burst }, (_, i) => received.get(`burst-${i}`) ?? 0).sort(
    (a, b) => a - b,
  );
  const seconds = ((done.at(-1) ?? started) - started) / 1000;
  const ninety = Math.ceil(options.burst * 0.9);
  const secondsTo90Percent = ((done[ninety - 1] ?? started) - started) / 1000;
  await producer.disconnect();
  await consumer.disconnect();
  return {
    profile,
    producer: producerProfile,
    consumer: consumerProfile,
    ...(latencies.length > 0 ? { latencyMs: summarize(latencies) } : {}),
    paced: options.paced,
    burst: {
      messages: options.burst,
      seconds,
      secondsTo90Percent,
      perSecond: ninety / Math.max(secondsTo90Percent, 0.001),
    },
    batchesPerThousand: ((batches - batchesBefore) / options.burst) * 1000,
  };
}

export interface BenchKafkaOptions {
  readonly paced: number;
  readonly intervalMs: number;
  readonly burst: number;
}

export interface KafkaProfilesResult {
  readonly lowLatency: ProfileResult;
  readonly highThroughput: ProfileResult;
}

export async function measureKafkaProfiles(
  kafka: Kafka,
  options: BenchKafkaOptions,
): Promise<KafkaProfilesResult> {
  return {
    lowLatency: await runProfile(kafka, 'low-latency', options),
    highThroughput: await runProfile(kafka, 'high-throughput', options),
  };
}
