import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { sqsClient } from './sqs-client.js';

/** Message attribute that carries why a record was dead-lettered by its consumer. */
export const FAILURE_REASON_ATTRIBUTE = 'failureReason';

/** Where a consumer puts a record it has proven can never succeed. */
export interface DeadLetterSink {
  send(record: SQSRecord, reason: string): Promise<void>;
}

/**
 * Sends the record, body and attributes unchanged, to the queue's dead-letter queue with the
 * reason and origin as message attributes. Only after SQS accepted the copy does the caller
 * report the record as handled, so nothing is lost if this throws.
 */
export class SqsDeadLetterSink implements DeadLetterSink {
  constructor(private readonly queueUrl: string) {}

  async send(record: SQSRecord, reason: string): Promise<void> {
    const fifo = this.queueUrl.endsWith('.fifo');
    const carried = Object.fromEntries(
      Object.entries(record.messageAttributes ?? {})
        .filter(([, a]) => a.stringValue !== undefined)
        .slice(0, 7) // SQS allows 10 attributes; 3 are ours.
        .map(([k, a]) => [k, { DataType: a.dataType, StringValue: a.stringValue }]),
    );
    await sqsClient().send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: record.body,
        MessageAttributes: {
          ...carried,
          [FAILURE_REASON_ATTRIBUTE]: { DataType: 'String', StringValue: reason.slice(0, 1024) },
          sourceQueueArn: { DataType: 'String', StringValue: record.eventSourceARN },
          originalMessageId: { DataType: 'String', StringValue: record.messageId },
        },
        ...(fifo
          ? {
              MessageGroupId: record.attributes.MessageGroupId ?? 'dead-letter',
              MessageDeduplicationId: record.messageId,
            }
          : {}),
      }),
    );
  }
}
