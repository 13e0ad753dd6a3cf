import { type CfnElement, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORDERS_SOURCE } from '../../contracts/events/sources.js';
import type { EventRoute } from '../../lib/patterns/event-router/index.js';
import type { OpsView } from '../../lib/patterns/ops-view/index.js';
import {
  OrderEventsStack,
  ROUTE_CONSUMERS,
  ROUTE_QUEUES,
  type RouteQueueName,
} from '../../lib/stacks/order-events-stack.js';
import { OrderNotificationsStack } from '../../lib/stacks/order-notifications-stack.js';
import { ORDER_ROUTES } from '../../lib/stacks/order-routes.js';
import { createApp, ENV, logicalIdOfToken } from './support.js';

/** An event pattern as CloudFormation takes it (`detailType` is spelled `detail-type`). */
function inCloudFormation(pattern: events.EventPattern): Record<string, unknown> {
  const { detailType, ...rest } = pattern;
  return detailType === undefined ? { ...rest } : { ...rest, 'detail-type': detailType };
}

/** An app that bundles no handler: these tests read templates, not bundles. */
const appWithoutBundling = () => createApp({ context: { 'aws:cdk:bundling-stacks': [] } });

/** What the EventRoute default retry policy renders as. */
const DEFAULT_RETRY = { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 };

describe('OrderEventsStack', () => {
  let stack: OrderEventsStack;
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN the stack with its defaults
    stack = new OrderEventsStack(createApp(), 'OrderEvents', { env: ENV });
    template = Template.fromStack(stack);
  });

  /** The logical ids of every queue a rule of the stack targets. */
  const targetQueueIds = () =>
    Object.values(template.findResources('AWS::Events::Rule')).flatMap((rule) =>
      (rule.Properties.Targets as Array<{ Arn: { 'Fn::GetAtt': [string, string] } }>).map(
        (t) => t.Arn['Fn::GetAtt'][0],
      ),
    );

  it('has a queue route for every order route except intake and outcomes', () => {
    // THEN
    expect([...ROUTE_QUEUES].sort()).toEqual(
      Object.keys(ORDER_ROUTES)
        .filter((name) => name !== 'intake' && name !== 'outcomes')
        .sort(),
    );
  });

  it('creates one rule per queue route', () => {
    // THEN
    template.resourceCountIs('AWS::Events::Rule', ROUTE_QUEUES.length);
  });

  it('puts every rule on the orders bus', () => {
    // THEN
    template.resourcePropertiesCountIs(
      'AWS::Events::Rule',
      { EventBusName: stack.resolve(stack.bus.eventBusName) },
      ROUTE_QUEUES.length,
    );
  });

  it('leaves the intake route to the fulfilment stack', () => {
    // THEN
    template.resourcePropertiesCountIs(
      'AWS::Events::Rule',
      { EventPattern: Match.exact(inCloudFormation(ORDER_ROUTES.intake.pattern)) },
      0,
    );
  });

  it('has no intake queue', () => {
    // THEN
    expect(Object.keys(stack.queues)).not.toContain('intake');
    expect(Object.keys(template.findOutputs('*'))).not.toContain('IntakeQueueUrl');
  });

  it('leaves the outcomes route to the notifications stack', () => {
    // THEN
    template.resourcePropertiesCountIs(
      'AWS::Events::Rule',
      { EventPattern: Match.exact(inCloudFormation(ORDER_ROUTES.outcomes.pattern)) },
      0,
    );
  });

  it.each(ROUTE_QUEUES)('matches the %s pattern of order-routes.ts and targets its queue', (name) => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      Description: ORDER_ROUTES[name].description,
      EventPattern: Match.exact(inCloudFormation(ORDER_ROUTES[name].pattern)),
      Targets: [Match.objectLike({ Arn: stack.resolve(stack.queues[name].queue.queueArn) })],
    });
  });

  it('gives every target the retry policy and the router dead-letter queue', () => {
    // THEN
    template.resourcePropertiesCountIs(
      'AWS::Events::Rule',
      {
        Targets: [
          Match.objectLike({
            RetryPolicy: Match.exact(DEFAULT_RETRY),
            DeadLetterConfig: { Arn: stack.resolve(stack.router.deadLetterQueue.queueArn) },
          }),
        ],
      },
      ROUTE_QUEUES.length,
    );
  });

  it('slims fraud-review data with an input transformer that keeps the envelope', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: stack.resolve(stack.queues.fraudReview.queue.queueArn),
          InputTransformer: {
            InputPathsMap: Match.exact({
              source: '$.source',
              'detail-type': '$.detail-type',
              'detail-metadata': '$.detail.metadata',
              'detail-data-orderId': '$.detail.data.orderId',
              'detail-data-customerId': '$.detail.data.customerId',
              'detail-data-customerTier': '$.detail.data.customerTier',
              'detail-data-total': '$.detail.data.total',
              'detail-data-currency': '$.detail.data.currency',
            }),
            InputTemplate: Match.stringLikeRegexp(
              '^\\{"source":<source>,"detail-type":<detail-type>,"detail":\\{"metadata":<detail-metadata>,"data":\\{"orderId":<detail-data-orderId>,.*"total":<detail-data-total>',
            ),
          },
        }),
      ],
    });
  });

  it('passes whole events to every other queue', () => {
    // THEN
    template.resourcePropertiesCountIs(
      'AWS::Events::Rule',
      { Targets: [Match.objectLike({ InputTransformer: Match.absent(), Input: Match.absent() })] },
      ROUTE_QUEUES.length - 1,
    );
  });

  it('targets only queues that dead-letter (ReliableQueues)', () => {
    // THEN
    const queues = template.findResources('AWS::SQS::Queue');
    const ids = targetQueueIds();
    expect(ids).toHaveLength(ROUTE_QUEUES.length);
    for (const id of ids) {
      expect(queues[id]?.Properties).toMatchObject({
        RedrivePolicy: { deadLetterTargetArn: expect.anything(), maxReceiveCount: 5 },
      });
    }
  });

  it('dead-letters each route queue to a dead-letter queue of its own', () => {
    // THEN
    const resources = template.toJSON().Resources as Record<string, { Properties?: Record<string, unknown> }>;
    const redrives = ROUTE_QUEUES.map((name) => {
      const { queue } = stack.queues[name];
      return resources[stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue)]?.Properties
        ?.RedrivePolicy;
    });
    expect(redrives).toEqual(
      ROUTE_QUEUES.map((name) => ({
        deadLetterTargetArn: stack.resolve(stack.queues[name].deadLetterQueue.queueArn),
        maxReceiveCount: 5,
      })),
    );
  });

  /** The statements of the IAM policies attached to a route consumer's role. */
  const statementsOf = (name: RouteQueueName) => {
    const role = stack.consumers[name].function.role.node.defaultChild as CfnElement;
    const roleId = stack.getLogicalId(role);
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as unknown[]).some((r) => logicalIdOfToken(r) === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement) as Array<{ Action: unknown; Resource: unknown }>;
  };
  const functionOf = (name: RouteQueueName) => stack.consumers[name].function;

  it('consumes every route queue, reporting batch item failures', () => {
    // THEN
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', ROUTE_QUEUES.length);
    for (const name of ROUTE_QUEUES) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: stack.resolve(stack.queues[name].queue.queueArn),
        FunctionName: stack.resolve(functionOf(name).functionName),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
  });

  // A batch that timed out on a loaded machine comes back after the visibility timeout: 35 s,
  // the 6x of a 5 s function that QueueConsumer requires, not the 90 s default.
  it.each(ROUTE_QUEUES)('gives the %s consumer 5 s and its queue a 35 s visibility timeout', (name) => {
    // THEN
    const id = stack.getLogicalId(functionOf(name).function.node.defaultChild as CfnElement);
    expect(template.findResources('AWS::Lambda::Function')[id]?.Properties?.Timeout).toBe(5);
    const queueId = stack.getLogicalId(stack.queues[name].queue.node.defaultChild as CfnElement);
    expect(template.findResources('AWS::SQS::Queue')[queueId]?.Properties?.VisibilityTimeout).toBe(35);
  });

  it.each(ROUTE_QUEUES)('runs the %s export of the route consumers bundle for that queue', (name) => {
    // THEN
    const id = stack.getLogicalId(functionOf(name).function.node.defaultChild as CfnElement);
    expect(template.findResources('AWS::Lambda::Function')[id]?.Properties?.Handler).toBe(`index.${name}`);
    expect(stack.consumers[name].node.id).toBe(ROUTE_CONSUMERS[name]);
  });

  it.each(ROUTE_QUEUES)("sends the %s consumer's poison records to its queue's DLQ", (name) => {
    // THEN: the DLQ named in its environment, and the right to send there
    const dlq = stack.queues[name].deadLetterQueue;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: `index.${name}`,
      Environment: { Variables: Match.objectLike({ DEAD_LETTER_QUEUE_URL: stack.resolve(dlq.queueUrl) }) },
    });
    expect(statementsOf(name)).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['sqs:SendMessage']),
        Resource: stack.resolve(dlq.queueArn),
      }),
    );
  });

  it.each(ROUTE_QUEUES)('lets the %s consumer put items in the route effects table, and names it', (name) => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: `index.${name}`,
      Environment: {
        Variables: Match.objectLike({ ROUTE_EFFECTS_TABLE_NAME: stack.resolve(stack.effects.tableName) }),
      },
    });
    const onTable = statementsOf(name).filter((st) =>
      JSON.stringify(st.Resource).includes(stack.getLogicalId(stack.effects.node.defaultChild as CfnElement)),
    );
    expect(onTable).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: [stack.resolve(stack.effects.tableArn)] },
    ]);
  });

  it.each(ROUTE_QUEUES)('gives the %s consumer the idempotency table Powertools needs', (name) => {
    // THEN
    const table = stack.idempotency.table;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: `index.${name}`,
      Environment: {
        Variables: Match.objectLike({
          IDEMPOTENCY_TABLE_NAME: stack.resolve(table.tableName),
          IDEMPOTENCY_EXPIRY_SECONDS: '86400',
        }),
      },
    });
    expect(statementsOf(name)).toContainEqual({
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      Resource: [stack.resolve(table.tableArn)],
    });
  });

  it('keeps the route effects in a pk/sk table of its own', () => {
    // THEN
    const id = stack.getLogicalId(stack.effects.node.defaultChild as CfnElement);
    expect(template.findResources('AWS::DynamoDB::Table')[id]?.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });

  it('alarms when a route queue holds a message for 5 minutes: its consumer fell behind', () => {
    // THEN
    for (const name of ROUTE_QUEUES) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: stack.resolve(stack.queues[name].queue.queueName) }],
        Threshold: 300,
      });
    }
  });

  it("sends every consumer's errors alarm to the ops topic (the ops view is built after them)", () => {
    // THEN
    const ops = stack.node.findChild('Operations') as OpsView;
    for (const name of ROUTE_QUEUES) {
      const alarm = stack.consumers[name].errorsAlarm.node.defaultChild as CfnElement;
      expect(
        template.findResources('AWS::CloudWatch::Alarm')[stack.getLogicalId(alarm)]?.Properties,
      ).toMatchObject({
        AlarmActions: [stack.resolve(ops.opsTopic.topicArn)],
      });
    }
  });

  it('outputs the route effects table and each route queue, dead-letter queue and consumer', () => {
    // THEN
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs).toContain('RouteEffectsTableName');
    for (const capital of ['FraudReview', 'Partner', 'GiftWrap', 'Promotions', 'Analytics']) {
      expect(outputs).toEqual(
        expect.arrayContaining([
          `${capital}QueueUrl`,
          `${capital}DlqUrl`,
          `${capital}FunctionName`,
          `${capital}LogGroupName`,
        ]),
      );
    }
  });

  it('archives the bus', () => {
    // THEN
    template.resourceCountIs('AWS::Events::Archive', 1);
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: stack.resolve(stack.bus.eventBusArn),
    });
  });

  it('keeps archived events 30 days', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 30 });
  });

  it('keeps archived events for archiveRetention', () => {
    // GIVEN / WHEN
    const custom = new OrderEventsStack(createApp(), 'OrderEvents', {
      env: ENV,
      archiveRetention: Duration.days(7),
    });
    // THEN
    Template.fromStack(custom).hasResourceProperties('AWS::Events::Archive', { RetentionDays: 7 });
  });
});

describe('OrderNotificationsStack on the orders bus', () => {
  let notifications: OrderNotificationsStack;
  let route: EventRoute;
  let template: Template;
  beforeAll(() => {
    // GIVEN the orders bus
    const app = appWithoutBundling();
    const orderEvents = new OrderEventsStack(app, 'OrderEvents', { env: ENV });
    // WHEN the notifications stack is given it
    notifications = new OrderNotificationsStack(app, 'OrderNotifications', {
      env: ENV,
      bus: orderEvents.bus,
    });
    route = notifications.node.findChild('OutcomesRoute') as EventRoute;
    template = Template.fromStack(notifications);
  });

  it('adds one rule, on the orders bus', () => {
    // THEN
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { 'Fn::ImportValue': Match.stringLikeRegexp('^OrderEvents:') },
    });
  });

  it('matches OrderConfirmed and OrderCancelled from the orders service', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.exact({
        source: [ORDERS_SOURCE],
        'detail-type': ['OrderConfirmed', 'OrderCancelled'],
      }),
    });
  });

  it('matches the outcomes pattern of order-routes.ts', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.exact(inCloudFormation(ORDER_ROUTES.outcomes.pattern)),
    });
  });

  it('targets the outcomes topic', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: notifications.resolve(notifications.outcomes.topic.topicArn) })],
    });
  });

  it('dead-letters undeliverable outcomes to a queue of its own, with the retry policy', () => {
    // THEN
    expect(route.deadLetterQueue.stack).toBe(notifications);
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          RetryPolicy: Match.exact(DEFAULT_RETRY),
          DeadLetterConfig: { Arn: notifications.resolve(route.deadLetterQueue.queueArn) },
        }),
      ],
    });
  });

  /** The role the outcomes rule publishes to the topic with, from its target. */
  const publisherRoleId = () => {
    const targets = Object.values(template.findResources('AWS::Events::Rule'))[0]?.Properties
      .Targets as Array<{
      RoleArn?: { 'Fn::GetAtt': [string, string] };
    }>;
    const roleId = targets[0]?.RoleArn?.['Fn::GetAtt'][0];
    if (!roleId) throw new Error('the outcomes target has no role');
    return roleId;
  };

  it('publishes to the outcomes topic through a role EventBridge assumes', () => {
    // THEN
    expect(template.findResources('AWS::IAM::Role')[publisherRoleId()]?.Properties).toMatchObject({
      AssumeRolePolicyDocument: {
        Statement: [expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' } })],
      },
    });
  });

  it('lets that role publish to the outcomes topic and use its key, with exact actions', () => {
    // THEN
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) =>
        (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r).includes(publisherRoleId())),
      )
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      expect.objectContaining({
        Action: 'sns:Publish',
        Resource: notifications.resolve(notifications.outcomes.topic.topicArn),
      }),
      expect.objectContaining({
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: notifications.resolve(notifications.outcomes.masterKey.keyArn),
      }),
    ]);
  });

  it('admits no service principal in the outcomes topic policy or key policy', () => {
    // THEN
    const topicPolicies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    const keys = Object.values(template.findResources('AWS::KMS::Key'));
    const statements = [
      ...topicPolicies.flatMap((p) => p.Properties.PolicyDocument.Statement),
      ...keys.flatMap((k) => k.Properties.KeyPolicy.Statement),
    ] as Array<{ Principal?: { Service?: unknown } }>;
    expect(statements.filter((s) => s.Principal?.Service === 'events.amazonaws.com')).toEqual([]);
  });
});

describe('OrderNotificationsStack without the orders bus', () => {
  it('adds no rule', () => {
    // GIVEN / WHEN
    const notifications = new OrderNotificationsStack(appWithoutBundling(), 'OrderNotifications', {
      env: ENV,
    });
    // THEN
    Template.fromStack(notifications).resourceCountIs('AWS::Events::Rule', 0);
  });
});
