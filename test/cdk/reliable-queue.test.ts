import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReliableQueue, type ReliableQueueProps } from '../../lib/patterns/reliable-queue/index.js';
import { createStack, sqsArnOf } from './support.js';

function synth(props?: ReliableQueueProps): { stack: Stack; rq: ReliableQueue; template: Template } {
  const stack = createStack();
  const rq = new ReliableQueue(stack, 'Orders', props);
  return { stack, rq, template: Template.fromStack(stack) };
}

/** The QueueName a queue of the template was given. */
function queueNameOf(template: Template, stack: Stack, queue: sqs.Queue): string {
  const logicalId = stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue);
  const name = template.toJSON().Resources[logicalId]?.Properties?.QueueName;
  expect(typeof name).toBe('string');
  return name as string;
}

describe('ReliableQueue defaults', () => {
  let stack: Stack;
  let rq: ReliableQueue;
  let template: Template;
  beforeAll(() => {
    // GIVEN a ReliableQueue with no props
    ({ stack, rq, template } = synth());
  });

  it('creates the queue and its dead-letter queue, nothing more', () => {
    // THEN
    template.resourceCountIs('AWS::SQS::Queue', 2);
  });

  it('moves a message to the dead-letter queue after 5 receives', () => {
    // THEN the source queue's redrive policy names the DLQ
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: stack.resolve(rq.deadLetterQueue.queueArn),
        maxReceiveCount: 5,
      },
    });
  });

  it('lets only its source queue redrive into the dead-letter queue', () => {
    // WHEN the source queue's physical name is known
    const sourceName = queueNameOf(template, stack, rq.queue);
    // THEN the DLQ's allow policy names exactly that queue's ARN
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: Match.stringLikeRegexp('-dlq$'),
      RedriveAllowPolicy: { redrivePermission: 'byQueue', sourceQueueArns: [sqsArnOf(sourceName)] },
    });
  });

  it('lets no queue use the source queue as its dead-letter queue', () => {
    // THEN
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.anyValue(),
      RedriveAllowPolicy: { redrivePermission: 'denyAll' },
    });
  });

  it('encrypts both queues with SQS-managed keys', () => {
    // THEN
    template.resourcePropertiesCountIs(
      'AWS::SQS::Queue',
      { SqsManagedSseEnabled: true, KmsMasterKeyId: Match.absent() },
      2,
    );
  });

  it('denies requests without TLS on both queues', () => {
    // THEN each queue has a policy that denies aws:SecureTransport false
    for (const queue of [rq.queue, rq.deadLetterQueue]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [stack.resolve(queue.queueUrl)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: stack.resolve(queue.queueArn),
            }),
          ]),
        },
      });
    }
  });

  it('keeps messages 4 days in the queue and 14 days in the dead-letter queue', () => {
    // THEN
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.anyValue(),
      MessageRetentionPeriod: 4 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedriveAllowPolicy: { redrivePermission: 'byQueue' },
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('hides a received message for 90 seconds', () => {
    // THEN
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.anyValue(),
      VisibilityTimeout: 90,
    });
  });

  it('alarms as soon as one message is in the dead-letter queue', () => {
    // THEN
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: stack.resolve(rq.deadLetterQueue.queueName) }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });

  it('alarms when the oldest message in the queue is 5 minutes old', () => {
    // THEN
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: stack.resolve(rq.queue.queueName) }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 300,
    });
  });
});

describe('ReliableQueue options', () => {
  it('makes both queues FIFO when fifo is set', () => {
    // GIVEN / WHEN
    const { template } = synth({ fifo: true });
    // THEN
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { FifoQueue: true }, 2);
  });

  it('ends both queue names in .fifo when fifo is set', () => {
    // GIVEN / WHEN
    const { template } = synth({ fifo: true });
    // THEN
    template.resourcePropertiesCountIs(
      'AWS::SQS::Queue',
      { QueueName: Match.stringLikeRegexp('\\.fifo$') },
      2,
    );
  });

  it('names the .fifo source queue in the FIFO dead-letter queue allow policy', () => {
    // GIVEN / WHEN
    const { stack, rq, template } = synth({ fifo: true });
    const sourceName = queueNameOf(template, stack, rq.queue);
    // THEN
    expect(sourceName).toMatch(/\.fifo$/);
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedriveAllowPolicy: { redrivePermission: 'byQueue', sourceQueueArns: [sqsArnOf(sourceName)] },
    });
  });

  it('appends .fifo to a given queue name, and -dlq.fifo for the dead-letter queue', () => {
    // GIVEN / WHEN
    const { template } = synth({ fifo: true, queueName: 'orders' });
    // THEN
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'orders.fifo' });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'orders-dlq.fifo' });
  });

  it('does not double a .fifo suffix the given queue name already has', () => {
    // GIVEN / WHEN
    const { template } = synth({ fifo: true, queueName: 'orders.fifo' });
    // THEN
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'orders.fifo' });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'orders-dlq.fifo' });
  });

  it('deduplicates FIFO messages on their content when contentBasedDeduplication is set', () => {
    // GIVEN / WHEN
    const { template } = synth({ fifo: true, contentBasedDeduplication: true });
    // THEN
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.anyValue(),
      ContentBasedDeduplication: true,
    });
  });

  it('does not deduplicate FIFO messages on their content by default', () => {
    // GIVEN / WHEN
    const { template } = synth({ fifo: true });
    // THEN
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { ContentBasedDeduplication: true }, 0);
  });

  it('encrypts both queues with a given KMS key', () => {
    // GIVEN
    const stack = createStack();
    const key = new kms.Key(stack, 'Key');
    // WHEN
    new ReliableQueue(stack, 'Orders', { encryptionMasterKey: key });
    // THEN
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs(
      'AWS::SQS::Queue',
      { KmsMasterKeyId: stack.resolve(key.keyArn), SqsManagedSseEnabled: Match.absent() },
      2,
    );
  });

  it('uses the given alarm thresholds', () => {
    // GIVEN / WHEN
    const { template } = synth({
      deadLetterDepthThreshold: 10,
      oldestMessageAgeThreshold: Duration.minutes(2),
    });
    // THEN
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 10,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 120,
    });
  });

  it('sends both alarms to the action given to addAlarmAction', () => {
    // GIVEN
    const stack = createStack();
    const ops = new sns.Topic(stack, 'Ops');
    const rq = new ReliableQueue(stack, 'Orders');
    // WHEN
    rq.addAlarmAction(new cwActions.SnsAction(ops));
    // THEN
    Template.fromStack(stack).resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { AlarmActions: [stack.resolve(ops.topicArn)] },
      2,
    );
  });

  it.each([1, 1000])('accepts maxReceiveCount %i', (maxReceiveCount) => {
    // GIVEN / WHEN
    const { template } = synth({ maxReceiveCount });
    // THEN
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { maxReceiveCount } });
  });

  it('accepts a visibility timeout of exactly 12 hours', () => {
    // GIVEN / WHEN
    const { template } = synth({ visibilityTimeout: Duration.hours(12) });
    // THEN
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 43_200 });
  });
});

describe('ReliableQueue validation', () => {
  it.each([0, 1001, 2.5])('fails if maxReceiveCount is %s', (maxReceiveCount) => {
    // GIVEN / WHEN / THEN
    expect(() => synth({ maxReceiveCount })).toThrow(
      new RegExp(`maxReceiveCount must be a whole number from 1 to 1000, got ${maxReceiveCount}`),
    );
  });

  it('fails if contentBasedDeduplication is set without fifo', () => {
    // GIVEN / WHEN / THEN
    expect(() => synth({ contentBasedDeduplication: true })).toThrow(
      /contentBasedDeduplication applies only to FIFO queues; set fifo: true/,
    );
  });

  it('fails if the queue name ends in .fifo but fifo is not set', () => {
    // GIVEN / WHEN / THEN
    expect(() => synth({ queueName: 'orders.fifo' })).toThrow(
      /queueName 'orders\.fifo' ends in \.fifo but fifo is not set/,
    );
  });

  it('fails if the visibility timeout is over 12 hours', () => {
    // GIVEN / WHEN / THEN
    expect(() => synth({ visibilityTimeout: Duration.seconds(43_201) })).toThrow(
      /visibilityTimeout must be at most 12 hours/,
    );
  });

  it('fails if the dead-letter retention is shorter than the queue retention', () => {
    // GIVEN / WHEN / THEN
    expect(() =>
      synth({ retentionPeriod: Duration.days(7), deadLetterRetentionPeriod: Duration.days(6) }),
    ).toThrow(/deadLetterRetentionPeriod \(6 days\) must be at least retentionPeriod \(7 days\)/);
  });

  it('fails if deadLetterDepthThreshold is below 1', () => {
    // GIVEN / WHEN / THEN
    expect(() => synth({ deadLetterDepthThreshold: 0 })).toThrow(
      /deadLetterDepthThreshold must be at least 1, got 0/,
    );
  });
});
