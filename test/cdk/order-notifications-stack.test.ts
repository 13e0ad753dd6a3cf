import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import cdkNag from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { OrderNotificationsStack } from '../../lib/stacks/order-notifications-stack.js';
import { createApp, ENV, type SynthOutcome, synthesizeWithValidation } from './support.js';

/**
 * The app as bin/app.ts builds it: the stack and the AwsSolutions pack (with CDK's built-in
 * template validation on, as in `cdk synth`). `extend` adds to the stack.
 */
function synthesizeApp(extend?: (stack: OrderNotificationsStack) => void): SynthOutcome {
  const app = createApp({ builtinCloudFormationValidation: true });
  const stack = new OrderNotificationsStack(app, 'OrderNotifications', { env: ENV });
  extend?.(stack);
  const pack = new cdkNag.AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(pack);
  return synthesizeWithValidation(app, pack.name);
}

describe('OrderNotificationsStack', () => {
  let stack: OrderNotificationsStack;
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN the stack with its defaults
    stack = new OrderNotificationsStack(createApp(), 'OrderNotifications', { env: ENV });
    template = Template.fromStack(stack);
  });

  const logicalIdOf = (queue: sqs.Queue) => stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue);
  const fifoQueueIds = () =>
    Object.keys(template.findResources('AWS::SQS::Queue', { Properties: { FifoQueue: true } }));

  /** The subscription of a queue to a topic. */
  const subscription = (
    topic: 'outcomes' | 'statusStream',
    queue: keyof OrderNotificationsStack['queues'],
  ) => ({
    TopicArn: stack.resolve(stack[topic].topic.topicArn),
    Endpoint: stack.resolve(stack.queues[queue].queue.queueArn),
  });

  it('subscribes three queues to the outcomes topic', () => {
    // THEN
    template.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      { TopicArn: stack.resolve(stack.outcomes.topic.topicArn) },
      3,
    );
  });

  it('makes the three outcome queues standard queues', () => {
    // THEN
    const fifo = fifoQueueIds();
    for (const name of ['email', 'loyalty', 'analytics'] as const) {
      expect(fifo).not.toContain(logicalIdOf(stack.queues[name].queue));
    }
  });

  it('sends the email queue confirmations and cancellations, except from the test channel', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Subscription', {
      ...subscription('outcomes', 'email'),
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: Match.exact({
        'detail-type': ['OrderConfirmed', 'OrderCancelled'],
        detail: { data: { channel: [{ 'anything-but': ['test'] }] } },
      }),
    });
  });

  it('sends the loyalty queue confirmations with a total of at least 100', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Subscription', {
      ...subscription('outcomes', 'loyalty'),
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: Match.exact({
        'detail-type': ['OrderConfirmed'],
        detail: { data: { total: [{ numeric: ['>=', 100] }] } },
      }),
    });
  });

  it('sends the analytics queue every outcome, unfiltered', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Subscription', {
      ...subscription('outcomes', 'analytics'),
      FilterPolicy: Match.absent(),
      FilterPolicyScope: Match.absent(),
    });
  });

  it('streams status changes through a FIFO topic', () => {
    // THEN
    template.resourcePropertiesCountIs('AWS::SNS::Topic', { FifoTopic: true }, 1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      FifoTopic: true,
      KmsMasterKeyId: stack.resolve(stack.statusStream.masterKey.keyArn),
    });
  });

  it('subscribes the FIFO status queue to the status stream', () => {
    // THEN
    expect(fifoQueueIds()).toContain(logicalIdOf(stack.queues.status.queue));
    template.hasResourceProperties('AWS::SNS::Subscription', subscription('statusStream', 'status'));
    template.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      { TopicArn: stack.resolve(stack.statusStream.topic.topicArn) },
      1,
    );
  });

  it('consumes each of the four queues with its own function', () => {
    // THEN
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 4);
    for (const name of ['email', 'loyalty', 'analytics', 'status'] as const) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: stack.resolve(stack.queues[name].queue.queueArn),
        FunctionName: stack.resolve(stack.consumers[name].function.functionName),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
  });

  it('tells every function the ledger table name', () => {
    // THEN
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({ LEDGER_TABLE_NAME: stack.resolve(stack.ledger.tableName) }),
        },
      },
      4,
    );
  });

  it('tells every function the idempotency table name', () => {
    // THEN
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({
            IDEMPOTENCY_TABLE_NAME: stack.resolve(stack.idempotency.table.tableName),
          }),
        },
      },
      4,
    );
  });
});

describe('OrderNotificationsStack with the high-throughput profile', () => {
  let stack: OrderNotificationsStack;
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN (construction alone proves the stack's queue and timeout settings fit it)
    const app = createApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    stack = new OrderNotificationsStack(app, 'OrderNotifications', { env: ENV, profile: 'high-throughput' });
    template = Template.fromStack(stack);
  });

  /** The event source mapping that reads a queue of the stack. */
  const mappingOf = (name: keyof OrderNotificationsStack['queues']) => {
    const arn = stack.resolve(stack.queues[name].queue.queueArn);
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (m) => JSON.stringify(m.Properties.EventSourceArn) === JSON.stringify(arn),
    );
    expect(mappings).toHaveLength(1);
    return mappings[0]?.Properties as Record<string, unknown>;
  };

  it.each(['email', 'loyalty', 'analytics'] as const)(
    'has the %s consumer take up to 100 messages gathered for up to 2 s, 50 invocations at once',
    (name) => {
      // THEN
      expect(mappingOf(name)).toMatchObject({
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 2,
        ScalingConfig: { MaximumConcurrency: 50 },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    },
  );

  it('has the FIFO status consumer take 10 messages without a batching window, 50 invocations at once', () => {
    // THEN FIFO sources take at most 10 and no window
    const mapping = mappingOf('status');
    expect(mapping).toMatchObject({
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 50 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mapping.MaximumBatchingWindowInSeconds ?? 0).toBe(0);
  });
});

describe('OrderNotifications app under cdk-nag AwsSolutions', () => {
  it('synthesizes with no unacknowledged finding', () => {
    // GIVEN / WHEN the app as bin/app.ts builds it
    const { error, findings } = synthesizeApp();
    // THEN
    expect(findings).toEqual([]);
    expect(error).toBeUndefined();
  });

  describe('with an unencrypted, TLS-optional queue added', () => {
    let outcome: SynthOutcome;
    beforeAll(() => {
      // GIVEN a queue that breaks AwsSolutions rules, acknowledged nowhere
      outcome = synthesizeApp((stack) => {
        new sqs.Queue(stack, 'Unencrypted', { encryption: sqs.QueueEncryption.UNENCRYPTED });
      });
    });

    it('reports an unacknowledged finding', () => {
      // THEN
      expect(outcome.findings).toContainEqual({
        rule: 'AwsSolutions-SQS2',
        severity: 'error',
        constructPath: 'OrderNotifications/Unencrypted/Resource',
      });
    });

    it('fails the synth', () => {
      // THEN
      expect(outcome.error?.message).toMatch(/AwsSolutions-SQS2[\s\S]*OrderNotifications\/Unencrypted/);
    });
  });
});
