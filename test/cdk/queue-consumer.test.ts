import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyTable } from '../../lib/patterns/idempotency-table/index.js';
import { QueueConsumer, type QueueConsumerProps } from '../../lib/patterns/queue-consumer/index.js';
import { ReliableQueue, type ReliableQueueProps } from '../../lib/patterns/reliable-queue/index.js';
import { lambdaEntry } from '../../lib/stacks/app-functions.js';
import { createStack } from './support.js';

const ENTRY = lambdaEntry('email-notifier');

type ConsumerOptions = Omit<QueueConsumerProps, 'source' | 'entry'>;

/** A ReliableQueue and a consumer of it; the function is bundled (cached after the first). */
function consume(
  queueProps: ReliableQueueProps = {},
  options: ConsumerOptions = {},
): { stack: Stack; source: ReliableQueue; consumer: QueueConsumer } {
  const stack = createStack();
  const source = new ReliableQueue(stack, 'Orders', queueProps);
  const consumer = new QueueConsumer(stack, 'Consumer', { source, entry: ENTRY, ...options });
  return { stack, source, consumer };
}

/** The only event source mapping of a template. */
function mappingOf(template: Template): Record<string, unknown> {
  const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
  expect(mappings).toHaveLength(1);
  return (mappings[0]?.Properties ?? {}) as Record<string, unknown>;
}

// Long enough for every profile with the default 10 s timeout (6 x 10 s + a 5 s window).
const ROOMY = { visibilityTimeout: Duration.seconds(120) };

describe('QueueConsumer defaults', () => {
  let stack: Stack;
  let source: ReliableQueue;
  let consumer: QueueConsumer;
  let idempotency: IdempotencyTable;
  let template: Template;
  beforeAll(() => {
    // GIVEN a ReliableQueue and an idempotency table
    stack = createStack();
    source = new ReliableQueue(stack, 'Orders');
    idempotency = new IdempotencyTable(stack, 'Idempotency');
    // WHEN a consumer is added with no other props
    consumer = new QueueConsumer(stack, 'Consumer', {
      source,
      entry: ENTRY,
      idempotencyTable: idempotency.table,
    });
    template = Template.fromStack(stack);
  });

  it('reads the queue through one event source mapping', () => {
    // THEN
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(source.queue.queueArn),
      FunctionName: stack.resolve(consumer.function.functionName),
    });
  });

  it('reports partial batch failures', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('takes batches of up to 10 messages', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10 });
  });

  it('invokes without a batching window', () => {
    // THEN
    expect(mappingOf(template).MaximumBatchingWindowInSeconds ?? 0).toBe(0);
  });

  it('uses at most 20 concurrent invocations', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 20 },
    });
  });

  it('runs on nodejs22.x', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x' });
  });

  it('runs on arm64', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'] });
  });

  it('traces with X-Ray', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
  });

  it("tells the handler the source's dead-letter queue URL", () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DEAD_LETTER_QUEUE_URL: stack.resolve(source.deadLetterQueue.queueUrl),
        }),
      },
    });
  });

  it('tells the handler the idempotency table name', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ IDEMPOTENCY_TABLE_NAME: stack.resolve(idempotency.table.tableName) }),
      },
    });
  });

  it('tells the handler an idempotency expiry of 24 hours', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ IDEMPOTENCY_EXPIRY_SECONDS: '86400' }) },
    });
  });

  it('lets the function send to the dead-letter queue', () => {
    // THEN
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [stack.resolve(consumer.function.role.roleName)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: Match.arrayWith(['sqs:SendMessage']),
            Resource: stack.resolve(source.deadLetterQueue.queueArn),
          }),
        ]),
      },
    });
  });

  it('lets the function get, put, update and delete idempotency records, and nothing else there', () => {
    // THEN
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [stack.resolve(consumer.function.role.roleName)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
            Resource: [stack.resolve(idempotency.table.tableArn)],
          }),
        ]),
      },
    });
  });

  it('alarms when whole invocations fail', () => {
    // THEN
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: stack.resolve(consumer.function.functionName) }],
      Threshold: 1,
    });
  });
});

describe('QueueConsumer without a dead-letter queue or idempotency table', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN a plain queue
    const stack = createStack();
    const queue = new sqs.Queue(stack, 'Plain');
    // WHEN it is consumed without an idempotency table
    new QueueConsumer(stack, 'Consumer', { source: { queue }, entry: ENTRY });
    template = Template.fromStack(stack);
  });

  it('does not set DEAD_LETTER_QUEUE_URL', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DEAD_LETTER_QUEUE_URL: Match.absent() }) },
    });
  });

  it('does not set IDEMPOTENCY_TABLE_NAME', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ IDEMPOTENCY_TABLE_NAME: Match.absent() }) },
    });
  });
});

describe('QueueConsumer throughput profiles', () => {
  it('high-throughput takes batches of 100 gathered for 2 s, with up to 50 concurrent invocations', () => {
    // GIVEN / WHEN
    const { stack } = consume(ROOMY, { profile: 'high-throughput' });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 2,
      ScalingConfig: { MaximumConcurrency: 50 },
    });
  });

  it('high-throughput on a FIFO queue takes batches of 10 without a batching window', () => {
    // GIVEN / WHEN
    const { stack } = consume({ ...ROOMY, fifo: true }, { profile: 'high-throughput' });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 50 },
    });
    expect(mappingOf(template).MaximumBatchingWindowInSeconds ?? 0).toBe(0);
  });

  it('explicit batchSize, maxBatchingWindow and maxConcurrency beat the profile', () => {
    // GIVEN / WHEN
    const { stack } = consume(ROOMY, {
      profile: 'high-throughput',
      batchSize: 40,
      maxBatchingWindow: Duration.seconds(5),
      maxConcurrency: 7,
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 40,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 7 },
    });
  });

  it('accepts a visibility timeout of exactly 6x the timeout plus the batching window', () => {
    // GIVEN / WHEN: 6 x 10 s + 2 s
    const { stack } = consume({ visibilityTimeout: Duration.seconds(62) }, { profile: 'high-throughput' });
    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });

  it('accepts the README example: the high-throughput profile on a default ReliableQueue', () => {
    // GIVEN a ReliableQueue with its defaults
    // WHEN it is consumed with the high-throughput profile and the default timeout
    // THEN synth succeeds: ReliableQueue's 90 s default visibility timeout covers the 62 s that
    // QueueConsumer requires here (6 x the 10 s default timeout + the profile's 2 s window)
    const { stack } = consume({}, { profile: 'high-throughput' });
    Template.fromStack(stack).hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 90 });
  });
});

describe('QueueConsumer validation', () => {
  it('fails if the visibility timeout is shorter than 6x the function timeout plus the batching window', () => {
    // GIVEN / WHEN / THEN: 6 x 10 s + 1 s = 61 s > 60 s
    expect(() =>
      consume(
        { visibilityTimeout: Duration.seconds(60) },
        { timeout: Duration.seconds(10), batchSize: 10, maxBatchingWindow: Duration.seconds(1) },
      ),
    ).toThrow(
      /visibility timeout \(60 s\) must be at least 6x the function timeout \(10 s\) plus the batching window \(1 s\) = 61 s/,
    );
  });

  it('fails if idempotencyExpiry is shorter than visibility timeout x maxReceiveCount', () => {
    // GIVEN
    const stack = createStack();
    const source = new ReliableQueue(stack, 'Orders', {
      visibilityTimeout: Duration.seconds(60),
      maxReceiveCount: 5,
    });
    const idempotency = new IdempotencyTable(stack, 'Idempotency');
    // WHEN / THEN: 60 s x 5 = 300 s
    expect(
      () =>
        new QueueConsumer(stack, 'Consumer', {
          source,
          entry: ENTRY,
          idempotencyTable: idempotency.table,
          idempotencyExpiry: Duration.seconds(299),
        }),
    ).toThrow(/idempotencyExpiry \(299 s\) must outlast the redelivery window.*= 300 s/);
  });

  it.each([0, 10_001, 2.5])('fails if batchSize is %s on a standard queue', (batchSize) => {
    // GIVEN / WHEN / THEN
    expect(() => consume(ROOMY, { batchSize, maxBatchingWindow: Duration.seconds(1) })).toThrow(
      new RegExp(`batchSize must be a whole number from 1 to 10000 for a standard queue, got ${batchSize}`),
    );
  });

  it('fails if batchSize is above 10 on a FIFO queue', () => {
    // GIVEN / WHEN / THEN
    expect(() => consume({ ...ROOMY, fifo: true }, { batchSize: 11 })).toThrow(
      /batchSize must be a whole number from 1 to 10 for a FIFO queue, got 11/,
    );
  });

  it('fails if batchSize is above 10 without a batching window', () => {
    // GIVEN / WHEN / THEN
    expect(() => consume(ROOMY, { batchSize: 11 })).toThrow(
      /batchSize above 10 \(got 11\) needs a maxBatchingWindow of at least 1 second/,
    );
  });

  it('fails if a FIFO queue is given a batching window', () => {
    // GIVEN / WHEN / THEN
    expect(() => consume({ ...ROOMY, fifo: true }, { maxBatchingWindow: Duration.seconds(1) })).toThrow(
      /FIFO queue event sources do not support a maxBatchingWindow/,
    );
  });

  it('fails if the batching window is over 300 seconds', () => {
    // GIVEN / WHEN / THEN
    expect(() => consume(ROOMY, { maxBatchingWindow: Duration.seconds(301) })).toThrow(
      /maxBatchingWindow must be at most 300 seconds/,
    );
  });

  it.each([1, 1001])('fails if maxConcurrency is %i', (maxConcurrency) => {
    // GIVEN / WHEN / THEN
    expect(() => consume(ROOMY, { maxConcurrency })).toThrow(
      new RegExp(`maxConcurrency must be a whole number from 2 to 1000, got ${maxConcurrency}`),
    );
  });
});
