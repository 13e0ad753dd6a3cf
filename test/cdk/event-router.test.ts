import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EventRoute,
  type EventRouteProps,
  EventRouter,
  type EventRouterProps,
  type RouteTarget,
} from '../../lib/patterns/event-router/index.js';
import { ACCOUNT, createApp, createStack, ENV } from './support.js';

const ORDER_PLACED: events.EventPattern = { source: ['com.example.orders'], detailType: ['OrderPlaced'] };
const ORDER_PLACED_IN_CLOUDFORMATION = { source: ['com.example.orders'], 'detail-type': ['OrderPlaced'] };
/** What the default retry policy renders as. */
const DEFAULT_RETRY = { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 };

function eventRouter(props?: EventRouterProps): { stack: Stack; router: EventRouter } {
  const stack = createStack();
  return { stack, router: new EventRouter(stack, 'Orders', props) };
}

interface QueueRouteOptions {
  readonly router?: EventRouterProps;
  readonly route?: Partial<Omit<EventRouteProps, 'bus' | 'targets'>>;
  readonly queue?: sqs.QueueProps;
  /** The route's targets, given the queue. @default `[{ queue }]` */
  readonly targets?: (queue: sqs.Queue) => RouteTarget[];
}

/** A router with one route to a new queue. */
function routeToQueue(options: QueueRouteOptions = {}) {
  const { stack, router } = eventRouter(options.router);
  const queue = new sqs.Queue(stack, 'Target', options.queue);
  const targets = options.targets?.(queue) ?? [{ queue }];
  const route = router.addRoute('Placed', { pattern: ORDER_PLACED, targets, ...options.route });
  return { stack, router, route, queue, template: Template.fromStack(stack) };
}

/** The targets of every rule in a template. */
function allTargets(template: Template): Record<string, unknown>[] {
  return Object.values(template.findResources('AWS::Events::Rule')).flatMap(
    (rule) => (rule.Properties.Targets ?? []) as Record<string, unknown>[],
  );
}

describe('EventRouter defaults', () => {
  let stack: Stack;
  let router: EventRouter;
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN an EventRouter with no props
    ({ stack, router } = eventRouter());
    template = Template.fromStack(stack);
  });

  it('creates an event bus', () => {
    // THEN
    template.resourceCountIs('AWS::Events::EventBus', 1);
  });

  it('archives the events on that bus', () => {
    // THEN
    template.resourceCountIs('AWS::Events::Archive', 1);
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: stack.resolve(router.bus.eventBusArn),
    });
  });

  it('keeps archived events 30 days', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 30 });
  });

  it("archives every event of the stack's account", () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: Match.exact({ account: [ACCOUNT] }),
    });
  });

  it('exposes the archive', () => {
    // THEN
    expect(router.archive).toBeDefined();
  });

  it('creates no rule until a route is added', () => {
    // THEN
    template.resourceCountIs('AWS::Events::Rule', 0);
  });

  it('creates an encrypted dead-letter queue kept 14 days', () => {
    // THEN
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
      FifoQueue: Match.absent(),
    });
  });

  it('denies access to the dead-letter queue without TLS', () => {
    // THEN
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [stack.resolve(router.deadLetterQueue.queueUrl)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('alarms as soon as one event is dead-lettered', () => {
    // THEN
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: stack.resolve(router.deadLetterQueue.queueName) }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });
});

describe('EventRouter archive options', () => {
  it('keeps archived events for the given retention', () => {
    // GIVEN / WHEN
    const { stack } = eventRouter({ archive: { retention: Duration.days(90) } });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Archive', { RetentionDays: 90 });
  });

  it('accepts a retention of whole days given in hours', () => {
    // GIVEN / WHEN
    const { stack } = eventRouter({ archive: { retention: Duration.hours(48) } });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Archive', { RetentionDays: 2 });
  });

  it('archives only the events of a given pattern', () => {
    // GIVEN / WHEN
    const { stack } = eventRouter({ archive: { pattern: ORDER_PLACED } });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Archive', {
      EventPattern: Match.exact(ORDER_PLACED_IN_CLOUDFORMATION),
    });
  });

  it('creates no archive with archive: false', () => {
    // GIVEN / WHEN
    const { stack, router } = eventRouter({ archive: false });
    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::Events::Archive', 0);
    expect(router.archive).toBeUndefined();
  });

  it('fails if the archive retention is not a whole number of days', () => {
    // GIVEN / WHEN / THEN
    expect(() => eventRouter({ archive: { retention: Duration.hours(36) } })).toThrow(
      /archive retention is counted in whole days/,
    );
  });
});

describe('EventRouter.addRoute', () => {
  let stack: Stack;
  let router: EventRouter;
  let route: EventRoute;
  let queue: sqs.Queue;
  let fn: lambda.Function;
  let stateMachine: sfn.StateMachine;
  let topic: sns.Topic;
  let template: Template;
  beforeAll(() => {
    // GIVEN a router and one target of each kind
    ({ stack, router } = eventRouter());
    queue = new sqs.Queue(stack, 'Queue');
    fn = new lambda.Function(stack, 'Function', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => {};'),
    });
    stateMachine = new sfn.StateMachine(stack, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')),
    });
    topic = new sns.Topic(stack, 'Topic');
    // WHEN a route to all of them is added
    route = router.addRoute('Placed', {
      pattern: ORDER_PLACED,
      description: 'Every order placed',
      targets: [{ queue }, { function: fn }, { stateMachine }, { topic }],
    });
    template = Template.fromStack(stack);
  });

  /** A target of the rule, with the default retry policy and the router's dead-letter queue. */
  const retriedTarget = (arn: unknown) =>
    Match.objectLike({
      Arn: arn,
      RetryPolicy: Match.exact(DEFAULT_RETRY),
      DeadLetterConfig: { Arn: stack.resolve(router.deadLetterQueue.queueArn) },
    });

  it('creates a rule on the router bus', () => {
    // THEN
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: stack.resolve(router.bus.eventBusName),
    });
  });

  it('matches the given pattern', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.exact(ORDER_PLACED_IN_CLOUDFORMATION),
    });
  });

  it('describes the rule with the given description', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', { Description: 'Every order placed' });
  });

  it('delivers to an SQS queue with the retry policy and the dead-letter queue', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: Match.arrayWith([retriedTarget(stack.resolve(queue.queueArn))]),
    });
  });

  it('delivers to a Lambda function with the retry policy and the dead-letter queue', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: Match.arrayWith([retriedTarget(stack.resolve(fn.functionArn))]),
    });
  });

  it('delivers to a Step Functions state machine with the retry policy and the dead-letter queue', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: Match.arrayWith([retriedTarget(stack.resolve(stateMachine.stateMachineArn))]),
    });
  });

  it('delivers to an SNS topic with the retry policy and the dead-letter queue', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: Match.arrayWith([retriedTarget(stack.resolve(topic.topicArn))]),
    });
  });

  it('gives every target the retry policy and the dead-letter queue', () => {
    // THEN
    const targets = allTargets(template);
    expect(targets).toHaveLength(4);
    for (const target of targets) {
      expect(target).toMatchObject({
        RetryPolicy: DEFAULT_RETRY,
        DeadLetterConfig: { Arn: stack.resolve(router.deadLetterQueue.queueArn) },
      });
    }
  });

  it('allows the rule to send undeliverable events to the dead-letter queue', () => {
    // THEN
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [stack.resolve(router.deadLetterQueue.queueUrl)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': stack.resolve(route.rule.ruleArn) } },
          }),
        ]),
      },
    });
  });

  it("shares the router's dead-letter queue and creates none for the route", () => {
    // THEN
    expect(route.deadLetterQueue).toBe(router.deadLetterQueue);
    expect(route.deadLetterAlarm).toBeUndefined();
    template.resourceCountIs('AWS::SQS::Queue', 2); // the target queue and the router DLQ
  });

  it('keeps the route in routes', () => {
    // THEN
    expect(router.routes).toEqual([route]);
  });
});

/** The retry policy of the only target of the only rule. */
function retryPolicyOf(template: Template): unknown {
  const [target, ...others] = allTargets(template);
  expect(others).toEqual([]);
  return target?.RetryPolicy;
}

describe('EventRouter retry policy', () => {
  it("applies the router's maxEventAge and retryAttempts to its routes", () => {
    // GIVEN / WHEN
    const { template } = routeToQueue({ router: { maxEventAge: Duration.hours(1), retryAttempts: 3 } });
    // THEN
    expect(retryPolicyOf(template)).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
  });

  it("lets a route override the router's retry policy", () => {
    // GIVEN / WHEN
    const { template } = routeToQueue({
      router: { maxEventAge: Duration.hours(1), retryAttempts: 3 },
      route: { maxEventAge: Duration.minutes(10), retryAttempts: 2 },
    });
    // THEN
    expect(retryPolicyOf(template)).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 });
  });

  it('renders retryAttempts 0 as no retries', () => {
    // GIVEN / WHEN
    const { template } = routeToQueue({ route: { retryAttempts: 0 } });
    // THEN
    expect(retryPolicyOf(template)).toEqual({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 7200 });
  });

  it('accepts the smallest maxEventAge, 60 seconds', () => {
    // GIVEN / WHEN
    const { template } = routeToQueue({ route: { maxEventAge: Duration.seconds(60) } });
    // THEN
    expect(retryPolicyOf(template)).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 60 });
  });

  it('accepts the largest maxEventAge, 24 hours, and the most retryAttempts, 185', () => {
    // GIVEN / WHEN
    const { template } = routeToQueue({ route: { maxEventAge: Duration.hours(24), retryAttempts: 185 } });
    // THEN
    expect(retryPolicyOf(template)).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });
  });
});

describe('EventRoute target options', () => {
  it('renders an input built from event fields as an input transformer', () => {
    // GIVEN / WHEN
    const { template } = routeToQueue({
      targets: (queue) => [
        {
          queue,
          input: events.RuleTargetInput.fromObject({
            orderId: events.EventField.fromPath('$.detail.data.orderId'),
            kind: 'placed',
          }),
        },
      ],
    });
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          InputTransformer: {
            InputPathsMap: { 'detail-data-orderId': '$.detail.data.orderId' },
            InputTemplate: '{"orderId":<detail-data-orderId>,"kind":"placed"}',
          },
        }),
      ],
    });
  });

  it('passes the event unchanged without an input', () => {
    // GIVEN / WHEN
    const { template } = routeToQueue();
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Input: Match.absent(), InputTransformer: Match.absent() })],
    });
  });

  it('sends to a FIFO queue in the given message group', () => {
    // GIVEN / WHEN
    const { stack, queue, template } = routeToQueue({
      queue: { fifo: true },
      targets: (queue) => [{ queue, messageGroupId: 'orders' }],
    });
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({ Arn: stack.resolve(queue.queueArn), SqsParameters: { MessageGroupId: 'orders' } }),
      ],
    });
  });

  it('dead-letters to a given standard queue', () => {
    // GIVEN
    const { stack, router } = eventRouter();
    const dlq = new sqs.Queue(stack, 'MyDlq');
    // WHEN
    router.addRoute('Placed', {
      pattern: ORDER_PLACED,
      targets: [{ queue: new sqs.Queue(stack, 'Target') }],
      deadLetterQueue: dlq,
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: stack.resolve(dlq.queueArn) } })],
    });
  });
});

describe('EventRoute on a bus from another stack', () => {
  let consumer: Stack;
  let route: EventRoute;
  let template: Template;
  beforeAll(() => {
    // GIVEN a router in one stack and a queue in another
    const app = createApp();
    const producer = new Stack(app, 'Producer', { env: ENV });
    const router = new EventRouter(producer, 'Orders');
    consumer = new Stack(app, 'Consumer', { env: ENV });
    const queue = new sqs.Queue(consumer, 'Target');
    // WHEN the consumer stack adds its own route on the bus, with no dead-letter queue
    route = new EventRoute(consumer, 'Placed', {
      bus: router.bus,
      pattern: ORDER_PLACED,
      targets: [{ queue }],
    });
    template = Template.fromStack(consumer);
  });

  it("listens on the other stack's bus", () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { 'Fn::ImportValue': Match.stringLikeRegexp('^Producer:') },
    });
  });

  it('creates an encrypted dead-letter queue of its own, kept 14 days', () => {
    // THEN
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    expect(route.deadLetterQueue.stack).toBe(consumer);
  });

  it('denies access to its dead-letter queue without TLS', () => {
    // THEN
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [consumer.resolve(route.deadLetterQueue.queueUrl)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('dead-letters to its own queue with the default retry policy', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          RetryPolicy: Match.exact(DEFAULT_RETRY),
          DeadLetterConfig: { Arn: consumer.resolve(route.deadLetterQueue.queueArn) },
        }),
      ],
    });
  });

  it('alarms as soon as one event is dead-lettered', () => {
    // THEN
    expect(route.deadLetterAlarm).toBeDefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: consumer.resolve(route.deadLetterQueue.queueName) }],
      Threshold: 1,
    });
  });
});

describe('EventRoute validation', () => {
  it('fails if a route has no target', () => {
    // GIVEN / WHEN / THEN
    expect(() => routeToQueue({ targets: () => [] })).toThrow(/a rule takes 1 to 5 targets, got 0/);
  });

  it('fails if a route has six targets', () => {
    // GIVEN / WHEN / THEN
    expect(() => routeToQueue({ targets: (queue) => Array.from({ length: 6 }, () => ({ queue })) })).toThrow(
      /a rule takes 1 to 5 targets, got 6/,
    );
  });

  it('fails if maxEventAge is under 60 seconds', () => {
    // GIVEN / WHEN / THEN
    expect(() => routeToQueue({ route: { maxEventAge: Duration.seconds(59) } })).toThrow(
      /maxEventAge must be from 60 seconds to 24 hours, got 59 seconds/,
    );
  });

  it('fails if maxEventAge is over 24 hours', () => {
    // GIVEN / WHEN / THEN
    expect(() => routeToQueue({ route: { maxEventAge: Duration.seconds(86_401) } })).toThrow(
      /maxEventAge must be from 60 seconds to 24 hours/,
    );
  });

  it("fails if the router's maxEventAge is out of range", () => {
    // GIVEN / WHEN / THEN
    expect(() => routeToQueue({ router: { maxEventAge: Duration.days(2) } })).toThrow(
      /maxEventAge must be from 60 seconds to 24 hours/,
    );
  });

  it('fails if retryAttempts is over 185', () => {
    // GIVEN / WHEN / THEN
    expect(() => routeToQueue({ route: { retryAttempts: 186 } })).toThrow(
      /retryAttempts must be a whole number from 0 to 185, got 186/,
    );
  });

  it('fails if retryAttempts is negative', () => {
    // GIVEN / WHEN / THEN
    expect(() => routeToQueue({ route: { retryAttempts: -1 } })).toThrow(
      /retryAttempts must be a whole number from 0 to 185, got -1/,
    );
  });

  it('fails if retryAttempts is not a whole number', () => {
    // GIVEN / WHEN / THEN
    expect(() => routeToQueue({ route: { retryAttempts: 1.5 } })).toThrow(
      /retryAttempts must be a whole number from 0 to 185, got 1\.5/,
    );
  });

  it('fails if the dead-letter queue is FIFO', () => {
    // GIVEN
    const { stack, router } = eventRouter();
    const dlq = new sqs.Queue(stack, 'FifoDlq', { fifo: true });
    // WHEN / THEN
    expect(() =>
      router.addRoute('Placed', {
        pattern: ORDER_PLACED,
        targets: [{ queue: new sqs.Queue(stack, 'Target') }],
        deadLetterQueue: dlq,
      }),
    ).toThrow(/cannot dead-letter to a FIFO queue; pass a standard queue/);
  });

  it('fails if a FIFO queue target has no messageGroupId', () => {
    // GIVEN / WHEN / THEN
    expect(() => routeToQueue({ queue: { fifo: true } })).toThrow(
      /FIFO queue TestStack\/Target needs a messageGroupId/,
    );
  });
});
