import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { FAILURE_REASON_ATTRIBUTE } from '../shared/dead-letter.js';
import { requireEnv } from '../shared/env.js';
import { injectFault } from '../shared/faults.js';
import { kafkaClient } from '../shared/kafka.js';
import { withCorrelation } from '../shared/log-context.js';
import { LOG_LINES } from '../shared/log-lines.js';
import { logger } from '../shared/powertools.js';
import { sqsClient } from '../shared/sqs-client.js';
import { type RelayPorts, relayRecords, type StoreRecord } from './relay.js';

// The relay of the order event store's outbox: a thin adapter over relay.ts.
const busName = requireEnv('EVENT_BUS_NAME');
const statusTopicArn = requireEnv('STATUS_TOPIC_ARN');
const deadLetterUrl = requireEnv('RELAY_DEAD_LETTER_URL');
const eventBridge = new EventBridgeClient({});
const sns = new SNSClient({});
// The order log (Kafka), when the stack gives the relay one (KAFKA_TOPIC and the brokers).
const logTopic = process.env.KAFKA_TOPIC;
// Idempotent (acks from every in-sync replica, one request in flight, sequence numbers): a
// retried send never writes a record twice or out of order. Connected on first use and kept
// for the execution environment's life.
const producer = logTopic
  ? kafkaClient('outbox-relay').producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 5000 },
    })
  : undefined;
let connected: Promise<void> | undefined;

const ports: RelayPorts = {
  async putOnBus(event) {
    const { source, 'detail-type': detailType, detail } = event;
    const result = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: busName, Source: source, DetailType: detailType, Detail: JSON.stringify(detail) },
        ],
      }),
    );
    const failed = result.Entries?.[0];
    if ((result.FailedEntryCount ?? 0) > 0)
      throw new Error(
        `PutEvents refused ${detailType} ${detail.metadata.eventId}: ${failed?.ErrorCode} ${failed?.ErrorMessage}`,
      );
  },
  async publishStatus(event) {
    await sns.send(
      new PublishCommand({
        TopicArn: statusTopicArn,
        Message: JSON.stringify(event),
        MessageGroupId: event.detail.data.orderId,
        MessageDeduplicationId: event.detail.metadata.eventId,
      }),
    );
  },
  async appendToLog(records) {
    if (!producer || !logTopic) return;
    connected ??= producer.connect().catch((error: unknown) => {
      connected = undefined;
      throw new Error(
        `cannot reach the order log's brokers (${process.env.KAFKA_BOOTSTRAP_BROKERS}): ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    await connected;
    await producer.send({
      topic: logTopic,
      acks: -1,
      messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
    });
  },
  async deadLetter(record, reason) {
    logger.error(LOG_LINES.relayDeadLettered, { recordId: record.recordId, reason });
    await sqsClient().send(
      new SendMessageCommand({
        QueueUrl: deadLetterUrl,
        MessageBody: JSON.stringify({ recordId: record.recordId, newImage: record.newImage }),
        MessageAttributes: {
          [FAILURE_REASON_ATTRIBUTE]: { DataType: 'String', StringValue: reason.slice(0, 1024) },
        },
      }),
    );
  },
};

export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<void> => {
  const records: StoreRecord[] = event.Records.map((r) => ({
    eventName: r.eventName,
    recordId: r.eventID ?? 'unknown',
    ...(r.dynamodb?.NewImage
      ? { newImage: unmarshall(r.dynamodb.NewImage as Record<string, AttributeValue>) }
      : {}),
  }));
  // Each record's lines carry its order's correlation keys, taken off before the next record.
  // A fault (test deployments only) before a record that follows published ones is a relay
  // stopped mid-batch: the batch comes back whole. One key per invocation counts its records.
  const report = await relayRecords(records, ports, (record, entries, publish) =>
    withCorrelation(entries[0]?.event, async () => {
      await injectFault(context.awsRequestId, () => context.getRemainingTimeInMillis());
      logger.info(LOG_LINES.relaying, {
        version: record.newImage?.version,
        entries: entries.map((e) => `${e.destination}:${e.event['detail-type']}`),
      });
      await publish();
    }),
  );
  logger.info('Relayed a stream batch', { records: records.length, ...report });
};
