import type { DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  type CloudFormationLike,
  type DeadLetterQueue,
  deadLetterName,
  discoverDeadLetterQueues,
  failureReasonOf,
  formatAge,
  inspectDeadLetterQueue,
  peekMessages,
  QueueChoiceError,
  redriveTarget,
  resolveQueue,
  type StackTemplate,
} from '../../../../scripts/dead-letters/dead-letters.js';
import { qualifiedName } from '../../../../scripts/shared/resource-names.js';
import { FakeClock, FakeSqs, queueArn, queueUrl } from '../../support/fake-sqs.js';

/** CloudFormation answering DescribeStackResources with `[logical id, type, physical id]` per stack. */
function fakeCloudFormation(deployed: Record<string, [string, string, string][]>): CloudFormationLike {
  return {
    async send(command: DescribeStackResourcesCommand) {
      const stack = deployed[command.input.StackName ?? ''];
      if (!stack) throw new Error(`Stack with id ${command.input.StackName} does not exist`);
      return {
        StackResources: stack.map(([LogicalResourceId, ResourceType, PhysicalResourceId]) => ({
          LogicalResourceId,
          ResourceType,
          PhysicalResourceId,
        })),
      };
    },
  } as unknown as CloudFormationLike;
}

const path = (p: string) => ({ 'aws:cdk:path': p });

/** Two stacks like the app's: a ReliableQueue, an SNS subscription DLQ, a rule DLQ across stacks. */
function app() {
  const sqs = new FakeSqs(new FakeClock());
  sqs.addQueue('Events-Work', 'Events-Work-dlq');
  sqs.addQueue('Events-Work-dlq');
  sqs.addQueue('Events-RouterDlq');
  sqs.addQueue('Notify-Email', 'Notify-Email-dlq');
  sqs.addQueue('Notify-Email-dlq');
  sqs.addQueue('Notify-DeliveryDlq');
  sqs.addQueue('Notify-RouteDlq');

  const deployed: Record<string, [string, string, string][]> = {
    OrderEvents: [
      ['WorkQueue', 'AWS::SQS::Queue', queueUrl('Events-Work')],
      ['WorkQueueDlq', 'AWS::SQS::Queue', queueUrl('Events-Work-dlq')],
      ['RouterDlq', 'AWS::SQS::Queue', queueUrl('Events-RouterDlq')],
      ['Bus', 'AWS::Events::EventBus', 'orders'],
    ],
    OrderNotifications: [
      ['EmailQueue', 'AWS::SQS::Queue', queueUrl('Notify-Email')],
      ['EmailQueueDlq', 'AWS::SQS::Queue', queueUrl('Notify-Email-dlq')],
      ['DeliveryDlq', 'AWS::SQS::Queue', queueUrl('Notify-DeliveryDlq')],
      ['RouteDlq', 'AWS::SQS::Queue', queueUrl('Notify-RouteDlq')],
      ['Topic', 'AWS::SNS::Topic', 'arn:aws:sns:us-east-1:123456789012:Outcomes'],
    ],
  };
  const cfn = fakeCloudFormation(deployed);
  const templates: StackTemplate[] = [
    {
      stackName: 'OrderEvents',
      resources: {
        WorkQueue: { Type: 'AWS::SQS::Queue', Metadata: path('OrderEvents/WorkQueue/Queue/Resource') },
        WorkQueueDlq: {
          Type: 'AWS::SQS::Queue',
          Metadata: path('OrderEvents/WorkQueue/DeadLetterQueue/Resource'),
        },
        RouterDlq: { Type: 'AWS::SQS::Queue', Metadata: path('OrderEvents/Orders/DeadLetterQueue/Resource') },
        Rule: {
          Type: 'AWS::Events::Rule',
          Metadata: path('OrderEvents/Orders/Work/Rule/Resource'),
          Properties: {
            EventBusName: { Ref: 'Bus' },
            Targets: [
              {
                Arn: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
                DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['RouterDlq', 'Arn'] } },
              },
            ],
          },
        },
      },
      outputs: {
        ExportBus: { Value: { Ref: 'Bus' }, Export: { Name: 'OrderEvents:Bus' } },
      },
    },
    {
      stackName: 'OrderNotifications',
      resources: {
        EmailQueueDlq: {
          Type: 'AWS::SQS::Queue',
          Metadata: path('OrderNotifications/EmailQueue/DeadLetterQueue/Resource'),
        },
        DeliveryDlq: {
          Type: 'AWS::SQS::Queue',
          Metadata: path('OrderNotifications/Outcomes/DeliveryDeadLetterQueue/Resource'),
        },
        RouteDlq: {
          Type: 'AWS::SQS::Queue',
          Metadata: path('OrderNotifications/OutcomesRoute/DeadLetterQueue/Resource'),
        },
        Subscription: {
          Type: 'AWS::SNS::Subscription',
          Metadata: path('OrderNotifications/EmailQueue/Queue/Subscription/Resource'),
          Properties: {
            TopicArn: { Ref: 'Topic' },
            RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['DeliveryDlq', 'Arn'] } },
          },
        },
        RouteRule: {
          Type: 'AWS::Events::Rule',
          Metadata: path('OrderNotifications/OutcomesRoute/Rule/Resource'),
          Properties: {
            EventBusName: { 'Fn::ImportValue': 'OrderEvents:Bus' },
            Targets: [
              { Arn: { Ref: 'Topic' }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['RouteDlq', 'Arn'] } } },
            ],
          },
        },
      },
      outputs: {},
    },
  ];
  return { sqs, cfn, templates };
}

describe('discovering the dead-letter queues', () => {
  it('classifies each queue by what dead-letters into it, with a short name and where a redrive goes', async () => {
    const { sqs, cfn, templates } = app();
    const warnings: string[] = [];

    const found = await discoverDeadLetterQueues(
      { cfn, sqs: sqs.asClient() },
      {
        stacks: ['OrderEvents', 'OrderNotifications', 'OrderFulfilment'],
        templates: () => templates,
        onWarning: (m) => warnings.push(m),
      },
    );

    const summary = Object.fromEntries(
      found.map((q) => [
        q.name,
        { kind: q.kind, sources: q.sourceQueues, topics: q.topicArns, buses: q.busNames },
      ]),
    );
    expect(summary).toEqual({
      'OrderEvents/Orders': { kind: 'eventbridge-target', sources: [], topics: [], buses: ['orders'] },
      'OrderEvents/WorkQueue': {
        kind: 'queue',
        sources: [{ url: queueUrl('Events-Work'), arn: queueArn('Events-Work') }],
        topics: [],
        buses: [],
      },
      'OrderNotifications/EmailQueue': {
        kind: 'queue',
        sources: [{ url: queueUrl('Notify-Email'), arn: queueArn('Notify-Email') }],
        topics: [],
        buses: [],
      },
      'OrderNotifications/Outcomes': {
        kind: 'sns-delivery',
        sources: [],
        topics: ['arn:aws:sns:us-east-1:123456789012:Outcomes'],
        buses: [],
      },
      // The rule is in another stack than its bus: found through the bus's export.
      'OrderNotifications/OutcomesRoute': {
        kind: 'eventbridge-target',
        sources: [],
        topics: [],
        buses: ['orders'],
      },
    });
    expect(found.map((q) => q.name)).toEqual(Object.keys(summary)); // stack order, then name
    expect(found.map((q) => q.shortName)).toEqual([
      'events/orders',
      'events/work',
      'notifications/email',
      'notifications/outcomes',
      'notifications/outcomes-route',
    ]);
    expect(found.find((q) => q.name === 'OrderEvents/Orders')?.usedBy).toEqual([
      'OrderEvents/Orders/Work/Rule',
    ]);
    expect(warnings).toEqual(['not deployed, skipped: OrderFulfilment']);
  });

  it("classifies a stream event source's on-failure queue as a stream relay DLQ, with its function and table", async () => {
    const sqs = new FakeSqs(new FakeClock());
    sqs.addQueue('Fulfil-RelayDlq');
    const cfn = fakeCloudFormation({
      OrderFulfilment: [
        ['RelayDlq', 'AWS::SQS::Queue', queueUrl('Fulfil-RelayDlq')],
        ['Store', 'AWS::DynamoDB::Table', 'Fulfil-Store'],
        ['Relay', 'AWS::Lambda::Function', 'Fulfil-Relay'],
      ],
    });
    const templates: StackTemplate[] = [
      {
        stackName: 'OrderFulfilment',
        resources: {
          RelayDlq: {
            Type: 'AWS::SQS::Queue',
            Metadata: path('OrderFulfilment/OutboxRelayDeadLetters/Resource'),
          },
          Mapping: {
            Type: 'AWS::Lambda::EventSourceMapping',
            Metadata: path('OrderFulfilment/OutboxRelay/Default/DynamoDBEventSource/Resource'),
            Properties: {
              FunctionName: { Ref: 'Relay' },
              EventSourceArn: { 'Fn::GetAtt': ['Store', 'StreamArn'] },
              DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['RelayDlq', 'Arn'] } } },
            },
          },
        },
        outputs: {},
      },
    ];

    const [found, ...others] = await discoverDeadLetterQueues(
      { cfn, sqs: sqs.asClient() },
      { stacks: ['OrderFulfilment'], templates: () => templates },
    );

    expect(others).toEqual([]);
    expect(found).toMatchObject({
      name: 'OrderFulfilment/OutboxRelayDeadLetters',
      kind: 'stream-relay',
      streamRelays: [{ functionName: 'Fulfil-Relay', tableName: 'Fulfil-Store' }],
      usedBy: ['OrderFulfilment/OutboxRelay/Default/DynamoDBEventSource'],
    });
    expect(found && redriveTarget(found)).toBe('function Fulfil-Relay (records of Fulfil-Store)');
  });

  it('falls back to the name where two queues would share a short name', async () => {
    const sqs = new FakeSqs(new FakeClock());
    const deployed: [string, string, string][] = [];
    const resources: Record<string, StackTemplate['resources'][string]> = {};
    for (const id of ['Work', 'WorkQueue']) {
      sqs.addQueue(id, `${id}-dlq`);
      sqs.addQueue(`${id}-dlq`);
      deployed.push(
        [id, 'AWS::SQS::Queue', queueUrl(id)],
        [`${id}Dlq`, 'AWS::SQS::Queue', queueUrl(`${id}-dlq`)],
      );
      resources[`${id}Dlq`] = {
        Type: 'AWS::SQS::Queue',
        Metadata: path(`OrderEvents/${id}/DeadLetterQueue/Resource`),
      };
    }

    const found = await discoverDeadLetterQueues(
      { cfn: fakeCloudFormation({ OrderEvents: deployed }), sqs: sqs.asClient() },
      { stacks: ['OrderEvents'], templates: () => [{ stackName: 'OrderEvents', resources, outputs: {} }] },
    );

    expect(found.map((q) => [q.name, q.shortName])).toEqual([
      ['OrderEvents/Work', 'OrderEvents/Work'],
      ['OrderEvents/WorkQueue', 'OrderEvents/WorkQueue'],
    ]);
    expect(resolveQueue(found, 'orderevents/work').name).toBe('OrderEvents/Work');
  });

  it('fails when none of the stacks is deployed', async () => {
    const { sqs, cfn, templates } = app();
    await expect(
      discoverDeadLetterQueues(
        { cfn, sqs: sqs.asClient() },
        { stacks: ['Nope'], templates: () => templates },
      ),
    ).rejects.toThrow(/none of the stacks Nope is deployed/);
  });

  it('names a dead-letter queue after the resource it serves', () => {
    expect(deadLetterName('OrderNotifications/EmailQueue/DeadLetterQueue/Resource')).toBe(
      'OrderNotifications/EmailQueue',
    );
    expect(deadLetterName('OrderNotifications/OrderOutcomes/DeliveryDeadLetterQueue/Resource')).toBe(
      'OrderNotifications/OrderOutcomes',
    );
    expect(deadLetterName('OrderEvents/Orders/DeadLetterQueue/Resource')).toBe('OrderEvents/Orders');
    expect(deadLetterName('Stack/MyOwnDlq/Resource')).toBe('Stack/MyOwnDlq');
    expect(deadLetterName('Stack/Work/DeadLetterQueue/Queue/Resource')).toBe('Stack/Work');
  });
});

describe('choosing a dead-letter queue', () => {
  const q = (name: string): DeadLetterQueue => ({
    name,
    shortName: qualifiedName(name),
    path: `${name}/DeadLetterQueue/Resource`,
    stackName: name.split('/')[0] ?? '',
    logicalId: 'X',
    url: queueUrl(name.replace('/', '-')),
    arn: queueArn(name.replace('/', '-')),
    fifo: false,
    kind: 'queue',
    sourceQueues: [],
    topicArns: [],
    busNames: [],
    streamRelays: [],
    usedBy: [],
  });
  // The app's names that a user is likely to type first and that more than one queue contains.
  const queues = [
    q('OrderEvents/AnalyticsQueue'),
    q('OrderNotifications/EmailQueue'),
    q('OrderNotifications/AnalyticsQueue'),
    q('OrderNotifications/StatusQueue'),
    q('OrderNotifications/OrderStatusStream'),
  ];

  it('takes the short name, the name, a unique part of either in any case, the URL or the ARN', () => {
    expect(resolveQueue(queues, 'notifications/email').name).toBe('OrderNotifications/EmailQueue');
    expect(resolveQueue(queues, 'OrderNotifications/EmailQueue').name).toBe('OrderNotifications/EmailQueue');
    expect(resolveQueue(queues, 'EMAIL').name).toBe('OrderNotifications/EmailQueue');
    expect(resolveQueue(queues, 'status-stream').name).toBe('OrderNotifications/OrderStatusStream');
    expect(resolveQueue(queues, queueUrl('OrderEvents-AnalyticsQueue')).name).toBe(
      'OrderEvents/AnalyticsQueue',
    );
    expect(resolveQueue(queues, queueArn('OrderEvents-AnalyticsQueue')).name).toBe(
      'OrderEvents/AnalyticsQueue',
    );
  });

  it('reaches each of two same-named queues by stack and queue short name', () => {
    expect(resolveQueue(queues, 'events/analytics').name).toBe('OrderEvents/AnalyticsQueue');
    expect(resolveQueue(queues, 'notifications/analytics').name).toBe('OrderNotifications/AnalyticsQueue');
  });

  it('takes a bare queue short name that no other queue has, though others contain it', () => {
    expect(resolveQueue(queues, 'status').name).toBe('OrderNotifications/StatusQueue');
    expect(resolveQueue(queues, 'Status').name).toBe('OrderNotifications/StatusQueue');
  });

  it('fails on a bare name two queues share, listing the qualified names to use', () => {
    expect(() => resolveQueue(queues, 'analytics')).toThrow(QueueChoiceError);
    expect(() => resolveQueue(queues, 'analytics')).toThrow(
      /'analytics' names 2 dead-letter queues; name one of them:\n {2}events\/analytics +OrderEvents\/AnalyticsQueue\n {2}notifications\/analytics +OrderNotifications\/AnalyticsQueue$/,
    );
  });

  it('fails on a part several names contain, listing them', () => {
    expect(() => resolveQueue(queues, 'notif')).toThrow(/'notif' matches 4 dead-letter queues/);
  });

  it('fails on an unknown queue, listing the valid names', () => {
    expect(() => resolveQueue(queues, 'billing')).toThrow(
      /no dead-letter queue matches 'billing'\. Valid names.*\n {2}events\/analytics +OrderEvents\/AnalyticsQueue\n/,
    );
  });
});

describe('reading a dead-letter queue', () => {
  it('reports depth and the age of the oldest message, leaving the messages where they are', async () => {
    const clock = new FakeClock();
    const sqs = new FakeSqs(clock);
    const url = sqs.addQueue('dlq');
    sqs.put(url, 'old');
    clock.time += 90_000;
    sqs.put(url, 'new');
    const queue = { url } as DeadLetterQueue;

    const status = await inspectDeadLetterQueue(sqs.asClient(), queue, clock.time + 5_000);

    expect(status.depth).toEqual({ visible: 2, inFlight: 0 });
    expect(status.oldestAgeMs).toBe(95_000);
    const receives = sqs.calls.filter((c) => c.name === 'ReceiveMessage');
    expect(receives.every((r) => r.input.VisibilityTimeout === 0)).toBe(true);
    expect((await inspectDeadLetterQueue(sqs.asClient(), queue, clock.time)).depth.visible).toBe(2);
  });

  it('peeks more than 10 by paging, and makes every message visible again at once', async () => {
    const clock = new FakeClock();
    const sqs = new FakeSqs(clock);
    const url = sqs.addQueue('dlq');
    for (let i = 0; i < 25; i++) {
      sqs.put(url, `m${i}`);
      clock.time += 1000;
    }

    const all = await peekMessages(sqs.asClient(), url, 30);
    const few = await peekMessages(sqs.asClient(), url, 5);

    expect(all.map((m) => m.Body)).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));
    expect(few.map((m) => m.Body)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(sqs.queue(url).every((m) => m.invisibleUntil <= clock.now())).toBe(true);
    expect(sqs.callNames).toContain('ChangeMessageVisibilityBatch');
  });

  it('does not peek an empty queue', async () => {
    const sqs = new FakeSqs();
    const url = sqs.addQueue('dlq');
    const status = await inspectDeadLetterQueue(sqs.asClient(), { url } as DeadLetterQueue);
    expect(status).toMatchObject({ depth: { visible: 0, inFlight: 0 } });
    expect(status.oldestAgeMs).toBeUndefined();
    expect(sqs.callNames).toEqual(['GetQueueAttributes']);
  });

  it('says why a message was dead-lettered: the consumer reason, EventBridge error, or exhausted retries', () => {
    const withAttributes = (attributes: Record<string, string>): Message => ({
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
      ),
    });
    expect(failureReasonOf(withAttributes({ failureReason: 'body is not valid JSON' }))).toBe(
      'body is not valid JSON',
    );
    expect(failureReasonOf(withAttributes({ ERROR_CODE: 'SQSError', ERROR_MESSAGE: 'throttled' }))).toBe(
      'EventBridge: SQSError: throttled',
    );
    expect(failureReasonOf({})).toBe('retries exhausted');
  });

  it('prints ages briefly', () => {
    expect([42_000, 725_000, 3 * 3_600_000 + 240_000, 3 * 86_400_000 + 5 * 3_600_000].map(formatAge)).toEqual(
      ['42s', '12m 5s', '3h 4m', '3d 5h'],
    );
  });
});
