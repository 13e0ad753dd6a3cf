import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FanOutTopic, type FanOutTopicProps } from '../../lib/patterns/fan-out-topic/index.js';
import { ReliableQueue } from '../../lib/patterns/reliable-queue/index.js';
import { createStack } from './support.js';

function fanOut(props?: FanOutTopicProps): { stack: Stack; fan: FanOutTopic } {
  const stack = createStack();
  return { stack, fan: new FanOutTopic(stack, 'Outcomes', props) };
}

/** An SNS statement allowing the topic to send to a queue. */
function snsMaySend(stack: Stack, fan: FanOutTopic, queue: sqs.IQueue): object {
  return Match.objectLike({
    Effect: 'Allow',
    Action: 'sqs:SendMessage',
    Principal: { Service: 'sns.amazonaws.com' },
    Condition: { ArnEquals: { 'aws:SourceArn': stack.resolve(fan.topic.topicArn) } },
    Resource: stack.resolve(queue.queueArn),
  });
}

describe('FanOutTopic defaults', () => {
  let stack: Stack;
  let fan: FanOutTopic;
  let template: Template;
  beforeAll(() => {
    // GIVEN a FanOutTopic with no props
    ({ stack, fan } = fanOut());
    template = Template.fromStack(stack);
  });

  it('encrypts the topic with a key of its own', () => {
    // THEN
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OutcomesKey'), 'Arn'] },
    });
  });

  it('rotates the topic key', () => {
    // THEN
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('denies publishing without TLS', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [stack.resolve(fan.topic.topicArn)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: stack.resolve(fan.topic.topicArn),
          }),
        ]),
      },
    });
  });

  it('creates a standard topic', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Topic', { FifoTopic: Match.absent() });
  });

  it('creates an encrypted, TLS-only delivery dead-letter queue kept 14 days', () => {
    // THEN
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
      FifoQueue: Match.absent(),
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [stack.resolve(fan.deliveryDeadLetterQueue.queueUrl)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('alarms as soon as one message could not be delivered', () => {
    // THEN
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: stack.resolve(fan.deliveryDeadLetterQueue.queueName) }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });
});

describe('FanOutTopic.subscribeQueue', () => {
  let stack: Stack;
  let fan: FanOutTopic;
  let reliable: ReliableQueue;
  let plain: sqs.Queue;
  let template: Template;
  beforeAll(() => {
    // GIVEN a topic
    ({ stack, fan } = fanOut());
    reliable = new ReliableQueue(stack, 'Email');
    plain = new sqs.Queue(stack, 'Plain');
    // WHEN a ReliableQueue and a plain queue are subscribed without options
    fan.subscribeQueue(reliable);
    fan.subscribeQueue({ queue: plain });
    template = Template.fromStack(stack);
  });

  it('subscribes a ReliableQueue to the topic', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      TopicArn: stack.resolve(fan.topic.topicArn),
      Endpoint: stack.resolve(reliable.queue.queueArn),
    });
  });

  it('subscribes a plain sqs.Queue to the topic', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      TopicArn: stack.resolve(fan.topic.topicArn),
      Endpoint: stack.resolve(plain.queueArn),
    });
  });

  it('delivers raw messages by default', () => {
    // THEN
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { RawMessageDelivery: true }, 2);
  });

  it('sends what it cannot deliver to the delivery dead-letter queue', () => {
    // THEN
    template.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      { RedrivePolicy: { deadLetterTargetArn: stack.resolve(fan.deliveryDeadLetterQueue.queueArn) } },
      2,
    );
  });

  it('allows the topic to send to the subscribed queues', () => {
    // THEN
    for (const queue of [reliable.queue, plain]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [stack.resolve(queue.queueUrl)],
        PolicyDocument: { Statement: Match.arrayWith([snsMaySend(stack, fan, queue)]) },
      });
    }
  });

  it('allows the topic to send to the delivery dead-letter queue', () => {
    // THEN
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [stack.resolve(fan.deliveryDeadLetterQueue.queueUrl)],
      PolicyDocument: { Statement: Match.arrayWith([snsMaySend(stack, fan, fan.deliveryDeadLetterQueue)]) },
    });
  });

  it('does not filter without a filter policy', () => {
    // THEN
    template.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      { FilterPolicy: Match.absent(), FilterPolicyScope: Match.absent() },
      2,
    );
  });

  it('returns the subscriptions it created', () => {
    // THEN
    expect(fan.subscriptions).toHaveLength(2);
  });
});

describe('FanOutTopic subscription options', () => {
  it('filters on message attributes with filterPolicy', () => {
    // GIVEN
    const { stack, fan } = fanOut();
    // WHEN
    fan.subscribeQueue(new ReliableQueue(stack, 'Red'), {
      filterPolicy: { colour: sns.SubscriptionFilter.stringFilter({ allowlist: ['red', 'crimson'] }) },
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', {
      FilterPolicy: { colour: ['red', 'crimson'] },
      FilterPolicyScope: Match.absent(),
    });
  });

  it('filters on the message body, nested, with filterPolicyWithMessageBody', () => {
    // GIVEN
    const { stack, fan } = fanOut();
    // WHEN
    fan.subscribeQueue(new ReliableQueue(stack, 'Big'), {
      filterPolicyWithMessageBody: {
        detail: sns.FilterOrPolicy.policy({
          data: sns.FilterOrPolicy.policy({
            total: sns.FilterOrPolicy.filter(
              sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 100 }),
            ),
          }),
        }),
      },
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', {
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: Match.exact({ detail: { data: { total: [{ numeric: ['>=', 100] }] } } }),
    });
  });

  it('delivers the SNS envelope when rawMessageDelivery is false', () => {
    // GIVEN
    const { stack, fan } = fanOut();
    // WHEN
    fan.subscribeQueue(new ReliableQueue(stack, 'Wrapped'), { rawMessageDelivery: false });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { RawMessageDelivery: false });
  });

  it('uses a given key for the topic and creates none', () => {
    // GIVEN
    const stack = createStack();
    const key = new kms.Key(stack, 'Mine');
    // WHEN
    new FanOutTopic(stack, 'Outcomes', { masterKey: key });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: stack.resolve(key.keyArn) });
  });

  it('sends undeliverable messages to a given delivery dead-letter queue, and creates none', () => {
    // GIVEN
    const stack = createStack();
    const dlq = new sqs.Queue(stack, 'MyDlq');
    const fan = new FanOutTopic(stack, 'Outcomes', { deliveryDeadLetterQueue: dlq });
    // WHEN
    fan.subscribeQueue(new ReliableQueue(stack, 'Email'));
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      RedrivePolicy: { deadLetterTargetArn: stack.resolve(dlq.queueArn) },
    });
    template.resourceCountIs('AWS::SQS::Queue', 3); // the given DLQ and the ReliableQueue pair
  });
});

describe('FanOutTopic FIFO', () => {
  let stack: Stack;
  let fan: FanOutTopic;
  let status: ReliableQueue;
  let template: Template;
  beforeAll(() => {
    // GIVEN a FIFO topic
    ({ stack, fan } = fanOut({ fifo: true }));
    status = new ReliableQueue(stack, 'Status', { fifo: true });
    // WHEN a FIFO ReliableQueue is subscribed
    fan.subscribeQueue(status);
    template = Template.fromStack(stack);
  });

  it('creates a FIFO topic', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Topic', { FifoTopic: true });
  });

  it('gives the FIFO topic a name ending in .fifo', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Topic', {
      FifoTopic: true,
      TopicName: Match.stringLikeRegexp('\\.fifo$'),
    });
  });

  it('creates a FIFO delivery dead-letter queue', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Subscription', {
      RedrivePolicy: { deadLetterTargetArn: stack.resolve(fan.deliveryDeadLetterQueue.queueArn) },
    });
    expect(fan.deliveryDeadLetterQueue.fifo).toBe(true);
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { FifoQueue: true }, 3);
  });

  it('subscribes a FIFO ReliableQueue', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: stack.resolve(fan.topic.topicArn),
      Endpoint: stack.resolve(status.queue.queueArn),
    });
  });

  it('appends .fifo to a given topic name', () => {
    // GIVEN / WHEN
    const { stack } = fanOut({ fifo: true, topicName: 'status' });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Topic', { TopicName: 'status.fifo' });
  });

  it('does not deduplicate on content by default', () => {
    // THEN
    template.resourcePropertiesCountIs('AWS::SNS::Topic', { ContentBasedDeduplication: true }, 0);
  });

  it('deduplicates on content when contentBasedDeduplication is set', () => {
    // GIVEN / WHEN
    const { stack } = fanOut({ fifo: true, contentBasedDeduplication: true });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Topic', {
      FifoTopic: true,
      ContentBasedDeduplication: true,
    });
  });
});

describe('FanOutTopic validation', () => {
  it('fails if a standard queue is subscribed to a FIFO topic', () => {
    // GIVEN
    const { stack, fan } = fanOut({ fifo: true });
    const standard = new ReliableQueue(stack, 'Email');
    // WHEN / THEN
    expect(() => fan.subscribeQueue(standard)).toThrow(
      /cannot subscribe .*Email.*: a FIFO topic needs FIFO queues/,
    );
  });

  it('fails if a plain standard sqs.Queue is subscribed to a FIFO topic', () => {
    // GIVEN
    const { stack, fan } = fanOut({ fifo: true });
    const standard = new sqs.Queue(stack, 'Plain');
    // WHEN / THEN
    expect(() => fan.subscribeQueue({ queue: standard })).toThrow(/a FIFO topic needs FIFO queues/);
  });

  it('fails if a FIFO queue is subscribed to a standard topic', () => {
    // GIVEN
    const { stack, fan } = fanOut();
    const fifo = new ReliableQueue(stack, 'Status', { fifo: true });
    // WHEN / THEN
    expect(() => fan.subscribeQueue(fifo)).toThrow(
      /cannot subscribe .*Status.*: a standard topic needs standard queues/,
    );
  });

  it('fails if a subscription has both filterPolicy and filterPolicyWithMessageBody', () => {
    // GIVEN
    const { stack, fan } = fanOut();
    const queue = new ReliableQueue(stack, 'Email');
    // WHEN / THEN
    expect(() =>
      fan.subscribeQueue(queue, {
        filterPolicy: { colour: sns.SubscriptionFilter.stringFilter({ allowlist: ['red'] }) },
        filterPolicyWithMessageBody: {
          colour: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.stringFilter({ allowlist: ['red'] })),
        },
      }),
    ).toThrow(/filters on attributes or on the body, not both/);
  });

  it('fails if contentBasedDeduplication is set on a standard topic', () => {
    // GIVEN / WHEN / THEN
    expect(() => fanOut({ contentBasedDeduplication: true })).toThrow(
      /contentBasedDeduplication applies only to FIFO topics; set fifo: true/,
    );
  });

  it('fails if the delivery dead-letter queue of a standard topic is FIFO', () => {
    // GIVEN
    const stack = createStack();
    const dlq = new sqs.Queue(stack, 'Dlq', { fifo: true });
    // WHEN / THEN
    expect(() => new FanOutTopic(stack, 'Outcomes', { deliveryDeadLetterQueue: dlq })).toThrow(
      /deliveryDeadLetterQueue must be a standard queue to match the topic/,
    );
  });

  it('fails if the delivery dead-letter queue of a FIFO topic is standard', () => {
    // GIVEN
    const stack = createStack();
    const dlq = new sqs.Queue(stack, 'Dlq');
    // WHEN / THEN
    expect(() => new FanOutTopic(stack, 'Outcomes', { fifo: true, deliveryDeadLetterQueue: dlq })).toThrow(
      /deliveryDeadLetterQueue must be a FIFO queue to match the topic/,
    );
  });
});
