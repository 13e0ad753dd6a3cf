import {
  type AttributeValue,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { Message } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { z } from 'zod';
import { outboxOf } from '../../lambdas/outbox-relay/relay.js';
import type { StreamRelay } from './dead-letters.js';
import type { Deliver, Delivery } from './redrive.js';

/**
 * The way back for a stream relay's dead letters: the records go through the relay function
 * again, as a stream event it would have received, built from the items the table holds now.
 * Two kinds of message reach the relay's DLQ:
 * - on AWS, the event source's on-failure record after its retries: it holds the batch's
 *   stream position (shard, first and last sequence number), not the records. The redrive
 *   reads the records' keys from the stream, which keeps them for 24 hours;
 * - a record the relay dead-lettered itself because it can never be relayed (its image is in
 *   the body): redriven only once the item passes the relay's outbox check, so that a record
 *   still bad stays here with its reason instead of going round again.
 * Consumers de-duplicate on each event's idempotency key, so relaying a record twice is safe.
 */

export interface StreamRelayClients {
  readonly lambda: Pick<LambdaClient, 'send'>;
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  readonly streams: Pick<DynamoDBStreamsClient, 'send'>;
}

/** What Lambda writes to an on-failure destination for a DynamoDB stream batch (the part used). */
const OnFailureRecordSchema = z.object({
  DDBStreamBatchInfo: z.object({
    shardId: z.string(),
    startSequenceNumber: z.string(),
    endSequenceNumber: z.string(),
    streamArn: z.string(),
  }),
});
export type OnFailureRecord = z.infer<typeof OnFailureRecordSchema>;

/** What the relay writes for a record it can never relay. */
const DeadRecordSchema = z.object({
  recordId: z.string(),
  newImage: z.record(z.string(), z.unknown()),
});

type Key = Record<string, AttributeValue>;

/** The most stream pages one batch is looked for in (a batch spans a few at most). */
const MAX_PAGES = 100;

/** The keys of the stream records from `start` to `end` of one shard, in stream order. */
export async function keysInRange(
  streams: StreamRelayClients['streams'],
  batch: OnFailureRecord['DDBStreamBatchInfo'],
): Promise<Key[]> {
  const end = BigInt(batch.endSequenceNumber);
  const { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({
      StreamArn: batch.streamArn,
      ShardId: batch.shardId,
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: batch.startSequenceNumber,
    }),
  );
  const keys: Key[] = [];
  let iterator = ShardIterator;
  for (let page = 0; iterator && page < MAX_PAGES; page += 1) {
    const { Records = [], NextShardIterator } = await streams.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }),
    );
    for (const record of Records) {
      const sequence = record.dynamodb?.SequenceNumber;
      if (sequence === undefined) continue;
      if (BigInt(sequence) > end) return keys;
      if (record.dynamodb?.Keys) keys.push(record.dynamodb.Keys as Key);
    }
    // An open shard reads empty at its tip: the batch's records all came before it.
    if (Records.length === 0) return keys;
    iterator = NextShardIterator;
  }
  return keys;
}

/** Deliver a stream relay DLQ's messages: each one's records, relayed again in one invocation. */
export function toStreamRelay(clients: StreamRelayClients, relay: StreamRelay): Deliver {
  let keyNames: Promise<string[]> | undefined;
  const tableKeyNames = () => {
    keyNames ??= clients.dynamodb
      .send(new DescribeTableCommand({ TableName: relay.tableName }))
      .then((t) => (t.Table?.KeySchema ?? []).flatMap((k) => (k.AttributeName ? [k.AttributeName] : [])));
    return keyNames;
  };

  /** The keys a message stands for, or why it stands for none. */
  async function keysOf(message: Message): Promise<Key[] | string> {
    let body: unknown;
    try {
      body = JSON.parse(message.Body ?? '');
    } catch {
      return 'the body is not JSON';
    }
    const batch = OnFailureRecordSchema.safeParse(body);
    if (batch.success) {
      try {
        const keys = await keysInRange(clients.streams, batch.data.DDBStreamBatchInfo);
        return keys.length > 0 ? keys : 'the stream holds no records in the batch range';
      } catch (error) {
        if (error instanceof TrimmedDataAccessException)
          return 'the stream no longer holds the batch (it keeps records 24 hours); the events are still in the table';
        throw error;
      }
    }
    const dead = DeadRecordSchema.safeParse(body);
    if (!dead.success)
      return 'neither an on-failure record of the event source nor a record the relay dead-lettered';
    const names = await tableKeyNames();
    const key: Key = {};
    for (const name of names) {
      const value = dead.data.newImage[name];
      if (typeof value === 'string') key[name] = { S: value };
      else if (typeof value === 'number') key[name] = { N: String(value) };
      else return `the dead-lettered image has no ${name}`;
    }
    return [key];
  }

  async function relayAgain(message: Message): Promise<string | undefined> {
    const keys = await keysOf(message);
    if (typeof keys === 'string') return keys;
    const records = [];
    for (const [i, key] of keys.entries()) {
      const { Item } = await clients.dynamodb.send(
        new GetItemCommand({ TableName: relay.tableName, Key: key, ConsistentRead: true }),
      );
      const where = JSON.stringify(unmarshall(key));
      if (!Item) return `item ${where} is no longer in ${relay.tableName}`;
      const recordId = `redrive-${message.MessageId ?? 'message'}-${i + 1}`;
      const check = outboxOf({ eventName: 'INSERT', recordId, newImage: unmarshall(Item) });
      if (check.kind === 'poison') return `item ${where} still cannot be relayed: ${check.reason}`;
      records.push({
        eventID: recordId,
        eventName: 'INSERT',
        eventSource: 'aws:dynamodb',
        dynamodb: { Keys: key, NewImage: Item, StreamViewType: 'NEW_IMAGE' },
      });
    }
    const result = await clients.lambda.send(
      new InvokeCommand({
        FunctionName: relay.functionName,
        Payload: new TextEncoder().encode(JSON.stringify({ Records: records })),
      }),
    );
    if (!result.FunctionError) return undefined;
    const payload = result.Payload ? new TextDecoder().decode(result.Payload) : '';
    const reason = (() => {
      try {
        return String((JSON.parse(payload) as { errorMessage?: unknown }).errorMessage ?? payload);
      } catch {
        return payload;
      }
    })();
    return `${relay.functionName} failed (${result.FunctionError}): ${reason}`;
  }

  // One message after the other: a stream's records are relayed in the order they were written.
  return async (messages) => {
    const delivered: Message[] = [];
    const failed: Delivery['failed'][number][] = [];
    for (const message of messages) {
      const problem = await relayAgain(message);
      if (problem) failed.push({ message, reason: problem });
      else delivered.push(message);
    }
    return { delivered, failed };
  };
}
