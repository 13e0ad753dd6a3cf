import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { type Consumer, type EachMessagePayload, type ISocketFactory, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKafka, type KafkaHandle, kafkaClient, stopKafka } from '../../scripts/kafka/engine.js';
import { waitFor } from '../../scripts/shared/wait.js';
import { startBridge } from '../../scripts/stream/msk-bridge.js';
import type { PlainMskEvent } from '../../scripts/stream/msk-event.js';
import type { FailureRecord, InvokeResult } from '../../scripts/stream/msk-poller.js';
import { replayGroup } from '../../scripts/stream/replay.js';

// Delivery semantics on a real single Kafka broker (started here, stopped by PID after, unless
// it was already running): per-key order across partitions, independent consumer groups, and
// what committing before or after processing means when a consumer crashes.
let handle: KafkaHandle;
let kafka: Kafka;

beforeAll(async () => {
  handle = await ensureKafka({ brokers: 1 });
  kafka = kafkaClient(handle.layout, 'semantics-test');
}, 120_000);

afterAll(async () => {
  if (handle?.startedNow.length) await stopKafka({ brokers: 1 });
}, 60_000);

async function newTopic(partitions: number): Promise<string> {
  const topic = `semantics-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  return topic;
}

/** Produce `values` for each key, in order per key, from one producer per key group, concurrently. */
async function produceConcurrently(
  topic: string,
  keyGroups: string[][],
  perKey: number,
  firstSeq = 1,
): Promise<void> {
  await Promise.all(
    keyGroups.map(async (keys) => {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      for (let seq = firstSeq; seq < firstSeq + perKey; seq++)
        await producer.send({ topic, acks: -1, messages: keys.map((key) => ({ key, value: String(seq) })) });
      await producer.disconnect();
    }),
  );
}

interface Seen {
  readonly key: string;
  readonly value: string;
  readonly partition: number;
  readonly offset: string;
}

/** A consumer of `group` that records what it handles; `handle` may throw to simulate a crash. */
async function consume(
  topic: string,
  groupId: string,
  handle: (m: Seen, payload: EachMessagePayload, consumer: Consumer) => Promise<void> = async () => {},
): Promise<{ consumer: Consumer; seen: Seen[] }> {
  // Short fetch waits: a disconnect waits for the fetch in flight (5 s by default).
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
  });
  const seen: Seen[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async (payload) => {
      const m = {
        key: payload.message.key?.toString() ?? '',
        value: payload.message.value?.toString() ?? '',
        partition: payload.partition,
        offset: payload.message.offset,
      };
      await handle(m, payload, consumer);
      seen.push(m);
    },
  });
  return { consumer, seen };
}

/** Commit the record's offset: the next one is where the group resumes. */
const commitPast = (consumer: Consumer, p: EachMessagePayload) =>
  consumer.commitOffsets([
    { topic: p.topic, partition: p.partition, offset: String(Number(p.message.offset) + 1) },
  ]);
const commitAfter = async (_m: Seen, p: EachMessagePayload, consumer: Consumer) => commitPast(consumer, p);

describe('Kafka delivery semantics on a real broker', () => {
  it('keeps each key in one partition and in order, with producers writing concurrently', async () => {
    const topic = await newTopic(6);
    const groups = [0, 1, 2, 3].map((g) => Array.from({ length: 5 }, (_, k) => `ord-${g}-${k}`));
    await produceConcurrently(topic, groups, 20);

    const { consumer, seen } = await consume(topic, `order-check-${randomUUID().slice(0, 6)}`);
    await waitFor('every record', async () => (seen.length >= 20 * 20 ? true : undefined), {
      timeoutMs: 60_000,
    });
    await consumer.disconnect();

    const byKey = new Map<string, Seen[]>();
    for (const m of seen) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
    expect(byKey.size).toBe(20);
    for (const [key, records] of byKey) {
      expect(new Set(records.map((r) => r.partition)).size, key).toBe(1);
      expect(
        records.map((r) => Number(r.value)),
        key,
      ).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    }
    // The keys really spread: order holds per partition, not because there was only one.
    expect(new Set(seen.map((m) => m.partition)).size).toBeGreaterThan(1);
  });

  it('lets two consumer groups read the same log independently, each from its own offsets', async () => {
    const topic = await newTopic(3);
    await produceConcurrently(topic, [['ord-a', 'ord-b', 'ord-c']], 10);
    const audit = `audit-${randomUUID().slice(0, 6)}`;
    const sales = `sales-${randomUUID().slice(0, 6)}`;

    // The audit group reads and commits everything.
    const a = await consume(topic, audit, commitAfter);
    await waitFor('the audit group', async () => (a.seen.length >= 30 ? true : undefined), {
      timeoutMs: 60_000,
    });
    await a.consumer.disconnect();

    // The sales group has read nothing yet: its offsets are its own.
    const admin = kafka.admin();
    await admin.connect();
    const offsets = async (groupId: string) =>
      (await admin.fetchOffsets({ groupId, topics: [topic] }))
        .flatMap((t) => t.partitions)
        .reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(await offsets(audit)).toBe(30);
    expect(await offsets(sales)).toBe(0);

    const s = await consume(topic, sales, commitAfter);
    await waitFor('the sales group', async () => (s.seen.length >= 30 ? true : undefined), {
      timeoutMs: 60_000,
    });
    await s.consumer.disconnect();
    expect(await offsets(sales)).toBe(30);
    expect(s.seen.map((m) => `${m.partition}:${m.offset}`).sort()).toEqual(
      a.seen.map((m) => `${m.partition}:${m.offset}`).sort(),
    );
    await admin.disconnect();
  });

  it.each([
    { commit: 'after processing', redelivered: true },
    { commit: 'before processing', redelivered: false },
  ])(
    'a consumer that crashes mid-record and commits $commit: the record comes back: $redelivered',
    async ({ commit, redelivered }) => {
      const topic = await newTopic(1);
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'ord-x', value: 'charge-card' }] });
      const groupId = `crash-${randomUUID().slice(0, 6)}`;

      // First consumer: takes the record and dies before its work is done.
      let crashed = false;
      const one = await consume(topic, groupId, async (_m, p, consumer) => {
        if (commit === 'before processing') await commitPast(consumer, p);
        crashed = true;
        throw new Error('crash before the work was done');
      });
      await waitFor('the first consumer to take the record', async () => (crashed ? true : undefined), {
        timeoutMs: 60_000,
      });
      await one.consumer.disconnect();

      // A later record marks how far a second consumer of the group has read.
      await producer.send({ topic, acks: -1, messages: [{ key: 'ord-y', value: 'marker' }] });
      await producer.disconnect();
      const two = await consume(topic, groupId, commitAfter);
      await waitFor(
        'the second consumer to reach the marker',
        async () => (two.seen.some((m) => m.value === 'marker') ? true : undefined),
        { timeoutMs: 60_000 },
      );
      // At least once: the record comes back and is done now. At most once: it is lost.
      expect(two.seen.map((m) => m.value)).toEqual(redelivered ? ['charge-card', 'marker'] : ['marker']);
      await two.consumer.disconnect();
    },
  );

  it('replays a group with npm run stream:replay from an offset or a time, and refuses while it runs', async () => {
    const topic = await newTopic(2);
    await produceConcurrently(topic, [['ord-r1', 'ord-r2']], 5);
    // Record timestamps have millisecond resolution: a few ms on each side of the instant
    // keep the two halves apart.
    await new Promise((r) => setTimeout(r, 20));
    const middle = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    await produceConcurrently(topic, [['ord-r1', 'ord-r2']], 3, 6);
    const group = `replay-${randomUUID().slice(0, 6)}`;
    const first = await consume(topic, group, commitAfter);
    await waitFor('the first read', async () => (first.seen.length >= 16 ? true : undefined), {
      timeoutMs: 60_000,
    });

    const admin = kafka.admin();
    await admin.connect();
    const command = { group, topic, dryRun: false } as const;
    // A running group cannot be moved: its consumers would commit over the reset.
    await expect(replayGroup(admin, { ...command, start: { kind: 'offset', offset: 0 } })).rejects.toThrow(
      'running member',
    );
    await first.consumer.disconnect();

    const fromTime = await replayGroup(admin, { ...command, start: { kind: 'time', at: new Date(middle) } });
    expect(fromTime.reduce((n, m) => n + m.again, 0)).toBe(6);
    const again = await consume(topic, group, commitAfter);
    await waitFor('the replayed records', async () => (again.seen.length >= 6 ? true : undefined), {
      timeoutMs: 60_000,
    });
    await again.consumer.disconnect();
    expect(again.seen.map((m) => Number(m.value)).sort()).toEqual([6, 6, 7, 7, 8, 8]);

    const fromStart = await replayGroup(admin, { ...command, start: { kind: 'offset', offset: 0 } });
    expect(fromStart.reduce((n, m) => n + m.again, 0)).toBe(16);
    await admin.disconnect();
  });

  it('drops the old segments of a topic whose retention has passed, and keeps the newest records', async () => {
    const topic = `retention-${randomUUID().slice(0, 8)}`;
    const admin = kafka.admin();
    await admin.connect();
    // One second of retention, a new segment every half second: only closed segments expire.
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [
            { name: 'retention.ms', value: '1000' },
            { name: 'segment.ms', value: '500' },
          ],
        },
      ],
      waitForLeaders: true,
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 5 }, (_, i) => ({ value: `old-${i}` })),
    });
    // Each later record rolls the segment once it is old enough; the broker then drops the expired ones.
    let sent = 0;
    await waitFor(
      'the old segment to be dropped',
      async () => {
        await producer.send({ topic, acks: -1, messages: [{ value: `new-${sent++}` }] });
        const [p] = await admin.fetchTopicOffsets(topic);
        return p && Number(p.low) >= 5 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await producer.disconnect();
    await admin.disconnect();

    const { consumer, seen } = await consume(topic, `retention-${randomUUID().slice(0, 6)}`);
    const last = `new-${sent - 1}`;
    await waitFor('the newest record', async () => (seen.some((m) => m.value === last) ? true : undefined), {
      timeoutMs: 30_000,
    });
    await consumer.disconnect();
    expect(seen.some((m) => m.value.startsWith('old-'))).toBe(false);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((m) => m.value.startsWith('new-'))).toBe(true);
  });

  it.each([
    { idempotent: true, what: 'leaves each record once' },
    { idempotent: false, what: 'writes some twice' },
  ])(
    'a producer whose Produce responses are lost and retried (idempotent: $idempotent) $what',
    async ({ idempotent }) => {
      const topic = await newTopic(1);
      // The broker appends each of the first three sends, then their responses never arrive.
      const lossy = new Kafka({
        clientId: `lossy-${idempotent}`,
        brokers: [...handle.brokers],
        logLevel: logLevel.NOTHING,
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
        socketFactory: losingProduceResponses(3),
      });
      const producer = lossy.producer({ idempotent, maxInFlightRequests: 1 });
      await producer.connect();
      for (let i = 0; i < 10; i++)
        await producer.send({ topic, acks: -1, messages: [{ key: 'ord-p', value: String(i) }] });
      await producer.disconnect();

      const { consumer, seen } = await consume(topic, `producer-${randomUUID().slice(0, 6)}`);
      await waitFor('the last record', async () => (seen.some((m) => m.value === '9') ? true : undefined), {
        timeoutMs: 30_000,
      });
      await consumer.disconnect();
      const values = seen.map((m) => Number(m.value));
      if (idempotent) expect(values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      else {
        expect(new Set(values)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
        expect(values.length).toBeGreaterThan(10); // the retried sends were appended again
      }
    },
  );
});

describe('the local MSK event source on a real broker', () => {
  const SETTINGS = {
    eventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/orders/local',
    bootstrapServers: ['127.0.0.1:9092'],
    retryAttempts: 2,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
  };
  const options = (topic: string, groupId: string, invoke: (offsets: number[]) => InvokeResult) => {
    const delivered: number[] = [];
    const failed: FailureRecord[] = [];
    return {
      delivered,
      failed,
      bridge: {
        topic,
        groupId,
        startingPosition: 'TRIM_HORIZON' as const,
        batchSize: 4,
        windowMs: 100,
        settings: SETTINGS,
        ports: {
          async invoke(event: PlainMskEvent) {
            const offsets = Object.values(event.records).flatMap((rs) => rs.map((r) => r.offset));
            const result = invoke(offsets);
            if (result.ok) delivered.push(...offsets.filter((o) => !result.failedOffsets?.includes(o)));
            return result;
          },
          async sendFailure(record: FailureRecord) {
            failed.push(record);
          },
        },
      },
    };
  };

  it('delivers every record once to the function, sends the bad one to the destination, and commits past all', async () => {
    const topic = await newTopic(1);
    await produceConcurrently(topic, [['ord-b']], 10);
    const groupId = `bridge-${randomUUID().slice(0, 6)}`;
    const run = options(topic, groupId, (offsets) =>
      offsets.includes(6) ? { ok: false, error: 'bad record' } : { ok: true },
    );

    const bridge = await startBridge(kafka, run.bridge);
    await waitFor(
      'the bridge to reach the end',
      async () => (run.delivered.length + run.failed.length >= 10 ? true : undefined),
      { timeoutMs: 60_000 },
    );
    await bridge.stop();

    expect([...run.delivered].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 7, 8, 9]);
    expect(run.failed.map((f) => f.KafkaBatchInfo.recordInfo.offset)).toEqual(['6']);
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = (await admin.fetchOffsets({ groupId, topics: [topic] })).flatMap((t) => t.partitions);
    await admin.disconnect();
    expect(committed?.offset).toBe('10');
  });

  it('stopped and started again, resumes at the last commit: what was not committed comes again', async () => {
    const topic = await newTopic(1);
    await produceConcurrently(topic, [['ord-c']], 8);
    const groupId = `bridge-${randomUUID().slice(0, 6)}`;
    // The first bridge's function succeeds for the first batch of 4, then is unreachable.
    const first = options(topic, groupId, (offsets) => {
      if (offsets.some((o) => o >= 4)) throw new Error('the function is unreachable');
      return { ok: true };
    });
    const one = await startBridge(kafka, first.bridge);
    await waitFor('the first batch', async () => (first.delivered.length >= 4 ? true : undefined), {
      timeoutMs: 60_000,
    });
    await one.stop();

    const second = options(topic, groupId, () => ({ ok: true }));
    const two = await startBridge(kafka, second.bridge);
    await waitFor('the rest', async () => (second.delivered.includes(7) ? true : undefined), {
      timeoutMs: 60_000,
    });
    await two.stop();
    expect(first.delivered).toEqual([0, 1, 2, 3]);
    expect(second.delivered).toEqual([4, 5, 6, 7]);
  });
});

/**
 * A kafkajs socket factory whose connections lose the responses of the first `count` Produce
 * requests (API key 0) after the broker handled them, closing the connection instead: the
 * producer cannot tell a lost response from a lost request, and sends again.
 */
function losingProduceResponses(count: number): ISocketFactory {
  let toLose = count;
  return ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    const produce = new Set<number>();
    const write = socket.write.bind(socket) as (chunk: Buffer, ...rest: unknown[]) => boolean;
    // A request: size (4 bytes), API key (2), API version (2), correlation id (4), ...
    socket.write = ((chunk: Buffer, ...rest: unknown[]) => {
      if (Buffer.isBuffer(chunk) && chunk.length >= 12 && chunk.readInt16BE(4) === 0)
        produce.add(chunk.readInt32BE(8));
      return write(chunk, ...rest);
    }) as typeof socket.write;
    const on = socket.on.bind(socket);
    socket.on = ((event: string, listener: (...args: unknown[]) => void) => {
      if (event !== 'data') return on(event, listener);
      let pending = Buffer.alloc(0);
      // A response: size (4 bytes), correlation id (4), ...: pass whole frames, lose the chosen ones.
      return on('data', (data: Buffer) => {
        pending = Buffer.concat([pending, data]);
        const frames: Buffer[] = [];
        while (pending.length >= 8 && pending.length >= 4 + pending.readInt32BE(0)) {
          const frame = pending.subarray(0, 4 + pending.readInt32BE(0));
          pending = pending.subarray(frame.length);
          if (produce.has(frame.readInt32BE(4)) && toLose > 0) {
            toLose -= 1;
            if (frames.length > 0) listener(Buffer.concat(frames));
            socket.destroy(new Error('injected: the Produce response was lost'));
            return;
          }
          frames.push(frame);
        }
        if (frames.length > 0) listener(Buffer.concat(frames));
      });
    }) as typeof socket.on;
    return socket;
  };
}
