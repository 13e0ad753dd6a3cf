import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';

export const STANDARD_QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:EmailQueue';
export const FIFO_QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:OrderStatusQueue.fifo';

let sequence = 0;

export interface RecordOptions {
  /** @default a new one per record */
  readonly messageId?: string;
  /** Makes it a FIFO record (with a sequence number and the FIFO queue's ARN). */
  readonly messageGroupId?: string;
  /** @default '1' */
  readonly receiveCount?: number;
}

/** An SQS record as the Lambda event source mapping delivers it; `body` is sent as is if a string. */
export function sqsRecord(body: unknown, options: RecordOptions = {}): SQSRecord {
  sequence += 1;
  const messageId = options.messageId ?? `059f36b4-87a3-44ab-83d2-${String(sequence).padStart(12, '0')}`;
  const fifo = options.messageGroupId !== undefined;
  const sentAt = String(Date.UTC(2026, 7, 14, 9, 21, 47) + sequence);
  return {
    messageId,
    receiptHandle: `AQEB${Buffer.from(messageId).toString('base64')}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: sentAt,
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: sentAt,
      ...(fifo
        ? {
            MessageGroupId: options.messageGroupId,
            MessageDeduplicationId: messageId,
            SequenceNumber: String(18_849_496_460_467_696_000n + BigInt(sequence)),
          }
        : {}),
    },
    messageAttributes: {
      correlationId: { dataType: 'String', stringValue: `corr-${sequence}` },
    },
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: fifo ? FIFO_QUEUE_ARN : STANDARD_QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** A Lambda context with plenty of time left. */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'EmailNotifier',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:EmailNotifier',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/EmailNotifier',
    logStreamName: '2026/08/14/[$LATEST]2e1d8c2b5a6e4f0f9d3c7b8a6e5d4c3b',
    getRemainingTimeInMillis: () => 25_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The messageIds a batch response reports as failed, in order. */
export function failedIds(response: { batchItemFailures: { itemIdentifier: string }[] }): string[] {
  return response.batchItemFailures.map((failure) => failure.itemIdentifier);
}
