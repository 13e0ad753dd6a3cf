import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { TrimmedDataAccessException } from '@aws-sdk/client-dynamodb-streams';
import type { Message } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { type StreamRelayClients, toStreamRelay } from '../../../../scripts/dead-letters/stream-relay.js';

type Item = Record<string, unknown>;
const RELAY = { functionName: 'Relay', tableName: 'Store' };
const keyOf = (item: Item) => marshall({ aggregateId: item.aggregateId, version: item.version });

/** A table, its one-shard stream (sequence numbers 100, 101, ...), and the relay function. */
function fakes(items: Item[], options: { functionError?: string; trimmed?: boolean } = {}) {
  const invocations: {
    Records: { eventName: string; dynamodb: { NewImage: Record<string, AttributeValue> } }[];
  }[] = [];
  const stream = items.map((item, i) => ({
    dynamodb: { SequenceNumber: String(100 + i), Keys: keyOf(item) },
  }));
  const table = new Map(items.map((item) => [JSON.stringify(keyOf(item)), marshall(item)]));
  const clients: StreamRelayClients = {
    streams: {
      async send(command: { input: Record<string, unknown> }) {
        if ('ShardIteratorType' in command.input) {
          if (options.trimmed) throw new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} });
          return { ShardIterator: String(Number(command.input.SequenceNumber) - 100) };
        }
        const from = Number(command.input.ShardIterator);
        const page = stream.slice(from, from + 2); // small pages: the range spans several
        return { Records: page, NextShardIterator: String(from + page.length) };
      },
    } as unknown as StreamRelayClients['streams'],
    dynamodb: {
      async send(command: { input: Record<string, unknown> }) {
        if ('Key' in command.input) return { Item: table.get(JSON.stringify(command.input.Key)) };
        return {
          Table: {
            KeySchema: [
              { AttributeName: 'aggregateId', KeyType: 'HASH' },
              { AttributeName: 'version', KeyType: 'RANGE' },
            ],
          },
        };
      },
    } as unknown as StreamRelayClients['dynamodb'],
    lambda: {
      async send(command: { input: { Payload: Uint8Array } }) {
        invocations.push(JSON.parse(new TextDecoder().decode(command.input.Payload)));
        return options.functionError
          ? {
              FunctionError: 'Unhandled',
              Payload: new TextEncoder().encode(JSON.stringify({ errorMessage: options.functionError })),
            }
          : {};
      },
    } as unknown as StreamRelayClients['lambda'],
  };
  return { clients, invocations };
}

const message = (body: unknown, id = 'm-1'): Message => ({ MessageId: id, Body: JSON.stringify(body) });
const onFailure = (start: number, end: number) => ({
  requestContext: { condition: 'RetryAttemptsExhausted' },
  DDBStreamBatchInfo: {
    shardId: 'shard-1',
    startSequenceNumber: String(start),
    endSequenceNumber: String(end),
    streamArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/Store/stream/x',
    batchSize: end - start + 1,
  },
});
const events = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({
  aggregateId: `ord-${id}`,
  version: i + 1,
  event: { n: i },
}));

describe("redriving a stream relay's dead letters", () => {
  it("relays an on-failure record's batch again, its records read from the stream and built from the table", async () => {
    const { clients, invocations } = fakes(events);
    const delivery = await toStreamRelay(clients, RELAY)([message(onFailure(101, 103))]);

    expect(delivery.failed).toEqual([]);
    expect(delivery.delivered).toHaveLength(1);
    expect(invocations).toHaveLength(1);
    expect(invocations[0]?.Records.map((r) => [r.eventName, r.dynamodb.NewImage.aggregateId?.S])).toEqual([
      ['INSERT', 'ord-b'],
      ['INSERT', 'ord-c'],
      ['INSERT', 'ord-d'],
    ]);
  });

  it('relays a record the relay dead-lettered once the item passes the outbox check', async () => {
    const { clients, invocations } = fakes(events);
    const body = { recordId: 'r-1', newImage: { aggregateId: 'ord-c', version: 3, outbox: 'was broken' } };

    const delivery = await toStreamRelay(clients, RELAY)([message(body)]);

    expect(delivery.failed).toEqual([]);
    expect(invocations[0]?.Records.map((r) => r.dynamodb.NewImage.aggregateId?.S)).toEqual(['ord-c']);
  });

  it('keeps a record that still cannot be relayed, with the reason, and invokes nothing', async () => {
    const { clients, invocations } = fakes([
      ...events,
      { aggregateId: 'ord-f', version: 1, outbox: 'not a list' },
    ]);
    const body = { recordId: 'r-2', newImage: { aggregateId: 'ord-f', version: 1 } };

    const delivery = await toStreamRelay(clients, RELAY)([message(body)]);

    expect(delivery.delivered).toEqual([]);
    expect(delivery.failed.map((f) => f.reason)).toEqual([
      'item {"aggregateId":"ord-f","version":1} still cannot be relayed: outbox is not a list',
    ]);
    expect(invocations).toEqual([]);
  });

  it("keeps the message with the function's error when the relay fails again", async () => {
    const { clients } = fakes(events, { functionError: 'PutEvents refused OrderConfirmed' });
    const delivery = await toStreamRelay(clients, RELAY)([message(onFailure(100, 100))]);

    expect(delivery.failed.map((f) => f.reason)).toEqual([
      'Relay failed (Unhandled): PutEvents refused OrderConfirmed',
    ]);
  });

  it('says why when the stream no longer holds the batch, or the message is of no known kind', async () => {
    const { clients } = fakes(events, { trimmed: true });
    const deliver = toStreamRelay(clients, RELAY);

    const delivery = await deliver([message(onFailure(100, 101)), message({ hello: 'world' }, 'm-2')]);

    expect(delivery.failed.map((f) => f.reason)).toEqual([
      'the stream no longer holds the batch (it keeps records 24 hours); the events are still in the table',
      'neither an on-failure record of the event source nor a record the relay dead-lettered',
    ]);
  });
});
