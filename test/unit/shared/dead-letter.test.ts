import type { SendMessageCommand } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FAILURE_REASON_ATTRIBUTE, SqsDeadLetterSink } from '../../../lambdas/shared/dead-letter.js';
import { sqsClient } from '../../../lambdas/shared/sqs-client.js';
import { sqsRecord } from '../support/sqs.js';

// No AWS: the SQS client is a mock that records the commands it was sent.
const send = vi.hoisted(() => vi.fn(async (_command: unknown) => ({ MessageId: 'dlq-1' })));
vi.mock('../../../lambdas/shared/sqs-client.js', () => ({ sqsClient: vi.fn(() => ({ send })) }));

const DLQ = 'https://sqs.us-east-1.amazonaws.com/123456789012/EmailDeadLetterQueue';
const FIFO_DLQ = 'https://sqs.us-east-1.amazonaws.com/123456789012/OrderStatusDeadLetterQueue.fifo';

/** The input of the one SendMessage the sink made. */
function sentInput() {
  expect(send).toHaveBeenCalledTimes(1);
  const command = send.mock.calls[0]?.[0] as SendMessageCommand | undefined;
  if (!command) throw new Error('the sink sent nothing');
  return command.input;
}

beforeEach(() => {
  send.mockClear();
  vi.mocked(sqsClient).mockClear();
});

describe('SqsDeadLetterSink', () => {
  it('sends the body unchanged to the dead-letter queue', async () => {
    const record = sqsRecord('this is not JSON');
    await new SqsDeadLetterSink(DLQ).send(record, 'body is not valid JSON');
    expect(sentInput()).toMatchObject({ QueueUrl: DLQ, MessageBody: 'this is not JSON' });
  });

  it('adds the reason, the source queue and the original messageId as attributes', async () => {
    const record = sqsRecord('{}', { messageId: 'm-42' });
    await new SqsDeadLetterSink(DLQ).send(record, 'schema validation failed: detail: Required');
    expect(sentInput().MessageAttributes).toMatchObject({
      [FAILURE_REASON_ATTRIBUTE]: {
        DataType: 'String',
        StringValue: 'schema validation failed: detail: Required',
      },
      sourceQueueArn: { DataType: 'String', StringValue: record.eventSourceARN },
      originalMessageId: { DataType: 'String', StringValue: 'm-42' },
    });
  });

  it('carries the record’s own string attributes along', async () => {
    const record = sqsRecord('{}');
    await new SqsDeadLetterSink(DLQ).send(record, 'reason');
    expect(sentInput().MessageAttributes).toMatchObject({
      correlationId: { DataType: 'String', StringValue: record.messageAttributes.correlationId?.stringValue },
    });
  });

  it('cuts a reason longer than 1024 characters', async () => {
    await new SqsDeadLetterSink(DLQ).send(sqsRecord('{}'), 'x'.repeat(5000));
    expect(sentInput().MessageAttributes?.[FAILURE_REASON_ATTRIBUTE]?.StringValue).toHaveLength(1024);
  });

  it('sends no group or deduplication id to a standard queue', async () => {
    await new SqsDeadLetterSink(DLQ).send(sqsRecord('{}'), 'reason');
    expect(sentInput()).not.toHaveProperty('MessageGroupId');
  });

  it('keeps the message group and deduplicates on the messageId for a FIFO queue', async () => {
    const record = sqsRecord('{}', { messageId: 'm-7', messageGroupId: 'ord-1' });
    await new SqsDeadLetterSink(FIFO_DLQ).send(record, 'reason');
    expect(sentInput()).toMatchObject({ MessageGroupId: 'ord-1', MessageDeduplicationId: 'm-7' });
  });

  it('fails when SQS refuses the copy, so the caller does not acknowledge the record', async () => {
    send.mockRejectedValueOnce(new Error('AccessDenied'));
    await expect(new SqsDeadLetterSink(DLQ).send(sqsRecord('{}'), 'reason')).rejects.toThrow('AccessDenied');
  });
});
