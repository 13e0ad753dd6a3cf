import { kafkaConsumer, SchemaType } from '@aws-lambda-powertools/kafka';
import type { ConsumerRecords, MSKEvent } from '@aws-lambda-powertools/kafka/types';
import type { Context } from 'aws-lambda';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mskEvent } from '../../../../scripts/stream/msk-event.js';

const message = (offset: number, value: unknown, headers: KafkaMessage['headers'] = {}): KafkaMessage =>
  ({
    offset: String(offset),
    timestamp: String(1_764_000_000_000 + offset),
    key: Buffer.from('ord-1'),
    value: Buffer.from(JSON.stringify(value)),
    headers,
    attributes: 0,
  }) as KafkaMessage;

const event = mskEvent({
  eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/orders/abc',
  bootstrapServers: ['127.0.0.1:9092'],
  batches: [
    {
      topic: 'orders.events',
      partition: 0,
      messages: [message(7, { n: 1 }, { eventType: 'OrderConfirmed' })],
    },
    { topic: 'orders.events', partition: 2, messages: [message(3, { n: 2 }), message(4, { n: 3 })] },
  ],
});

describe('the MSK event the local bridge builds', () => {
  it('groups records by topic-partition, with base64 key and value, header bytes, numeric offsets and timestamps', () => {
    expect(Object.keys(event.records)).toEqual(['orders.events-0', 'orders.events-2']);
    expect(event.records['orders.events-0']?.[0]).toEqual({
      topic: 'orders.events',
      partition: 0,
      offset: 7,
      timestamp: 1_764_000_000_007,
      timestampType: 'CREATE_TIME',
      key: Buffer.from('ord-1').toString('base64'),
      value: Buffer.from('{"n":1}').toString('base64'),
      headers: [{ eventType: [...Buffer.from('OrderConfirmed')] }],
    });
    expect(event).toMatchObject({ eventSource: 'aws:kafka', bootstrapServers: '127.0.0.1:9092' });
  });

  it("is read by Powertools' Kafka consumer as an MSK event: values parsed by their schema, headers decoded", async () => {
    let received: ConsumerRecords<unknown, { n: number }> | undefined;
    const handler = kafkaConsumer<unknown, { n: number }>(
      async (records) => {
        received = records;
      },
      { value: { type: SchemaType.JSON, parserSchema: z.object({ n: z.number() }) } },
    );
    // Powertools types the schema metadata as required; its runtime reads the plain event.
    await handler(event as unknown as MSKEvent, {} as Context);
    const records = received?.records ?? [];
    expect(records.map((r) => [r.partition, r.offset, r.value.n])).toEqual([
      [0, 7, 1],
      [2, 3, 2],
      [2, 4, 3],
    ]);
    expect(records[0]?.key).toBe('ord-1');
    expect(records[0]?.headers).toEqual([{ eventType: 'OrderConfirmed' }]);
  });
});
