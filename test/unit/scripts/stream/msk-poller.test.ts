import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { PlainMskEvent } from '../../../../scripts/stream/msk-event.js';
import {
  deliverBatch,
  type FailureRecord,
  type InvokeResult,
  type PollerSettings,
} from '../../../../scripts/stream/msk-poller.js';

const SETTINGS: PollerSettings = {
  eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/orders/abc',
  bootstrapServers: ['127.0.0.1:9092'],
  retryAttempts: 2,
  bisectBatchOnError: false,
  reportBatchItemFailures: false,
};
const NOW = () => new Date('2026-12-03T12:00:00Z');

const message = (offset: number): KafkaMessage =>
  ({
    offset: String(offset),
    timestamp: String(Date.UTC(2026, 11, 3, 11, 0, offset)),
    key: Buffer.from('ord-1'),
    value: Buffer.from(JSON.stringify({ n: offset })),
    headers: {},
    attributes: 0,
  }) as KafkaMessage;
const batch = (...offsets: number[]) => ({
  topic: 'orders.events',
  partition: 3,
  messages: offsets.map(message),
});

/** A function that answers each invocation with `answer`, recording the offsets it was given. */
function fakePorts(answer: (offsets: number[]) => InvokeResult | Promise<InvokeResult>) {
  const invocations: number[][] = [];
  const failures: FailureRecord[] = [];
  const commits: [string, number, number][] = [];
  return {
    invocations,
    failures,
    commits,
    ports: {
      async invoke(event: PlainMskEvent) {
        const offsets = Object.values(event.records).flatMap((rs) => rs.map((r) => r.offset));
        invocations.push(offsets);
        return answer(offsets);
      },
      async commit(topic: string, partition: number, offset: number) {
        commits.push([topic, partition, offset]);
      },
      async sendFailure(record: FailureRecord) {
        failures.push(record);
      },
    },
  };
}

describe('the local MSK event source, for one batch', () => {
  it('invokes once with the MSK event and commits past the batch after the function succeeded', async () => {
    const fake = fakePorts(() => ({ ok: true }));
    const outcome = await deliverBatch(batch(5, 6, 7), SETTINGS, fake.ports, NOW);
    expect(fake.invocations).toEqual([[5, 6, 7]]);
    expect(fake.commits).toEqual([['orders.events', 3, 8]]);
    expect(outcome).toEqual({ invocations: 1, failed: [], committed: 8 });
  });

  it('retries a failing batch retryAttempts times, then sends each record to the destination and moves on', async () => {
    const fake = fakePorts(() => ({ ok: false, error: 'Unhandled' }));
    const outcome = await deliverBatch(batch(0, 1), SETTINGS, fake.ports, NOW);
    expect(fake.invocations).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
    expect(outcome.failed).toEqual([0, 1]);
    expect(fake.failures[0]).toEqual({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      responseContext: { functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-12-03T12:00:00.000Z',
      KafkaBatchInfo: {
        batchSize: 1,
        eventSourceArn: SETTINGS.eventSourceArn,
        bootstrapServers: '127.0.0.1:9092',
        recordInfo: { offset: '0', timestamp: '2026-12-03T11:00:00.000Z' },
      },
    });
    expect(fake.commits).toEqual([['orders.events', 3, 2]]);
  });

  it('with bisect, narrows a function error down to the bad record: only it goes to the destination', async () => {
    const fake = fakePorts((offsets) =>
      offsets.includes(2) ? { ok: false, error: 'bad record' } : { ok: true },
    );
    const outcome = await deliverBatch(
      batch(0, 1, 2, 3),
      { ...SETTINGS, bisectBatchOnError: true },
      fake.ports,
      NOW,
    );
    expect(outcome.failed).toEqual([2]);
    const delivered = fake.invocations.filter((o) => !o.includes(2)).flat();
    expect(delivered.sort()).toEqual([0, 1, 3]);
    // In order: the bad record's retries come before the records after it.
    expect(fake.invocations).toEqual([[0, 1, 2, 3], [0, 1], [2, 3], [2], [2], [2], [3]]);
    expect(fake.commits).toEqual([['orders.events', 3, 4]]);
  });

  it('with partial responses, retries from the first failed record and counts the ones before it as done', async () => {
    let calls = 0;
    const fake = fakePorts(() => (calls++ === 0 ? { ok: true, failedOffsets: [12, 11] } : { ok: true }));
    const outcome = await deliverBatch(
      batch(10, 11, 12),
      { ...SETTINGS, reportBatchItemFailures: true },
      fake.ports,
      NOW,
    );
    expect(fake.invocations).toEqual([
      [10, 11, 12],
      [11, 12],
    ]);
    expect(outcome).toEqual({ invocations: 2, failed: [], committed: 13 });
  });

  it('ignores a partial response when the mapping does not report batch item failures', async () => {
    const fake = fakePorts(() => ({ ok: true, failedOffsets: [1] }));
    const outcome = await deliverBatch(batch(0, 1), SETTINGS, fake.ports, NOW);
    expect(outcome.invocations).toBe(1);
    expect(outcome.failed).toEqual([]);
  });

  it('commits nothing when the invocation itself cannot be made: the records come again', async () => {
    const fake = fakePorts(() => Promise.reject(new Error('Lambda is unreachable')));
    await expect(deliverBatch(batch(0, 1), SETTINGS, fake.ports, NOW)).rejects.toThrow(
      'Lambda is unreachable',
    );
    expect(fake.commits).toEqual([]);
  });
});
