import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OpsView } from '../../lib/patterns/ops-view/index.js';
import { ReliableQueue } from '../../lib/patterns/reliable-queue/index.js';
import { NodeFunction } from '../../lib/shared/node-function.js';
import { lambdaEntry } from '../../lib/stacks/app-functions.js';
import { createApp, createStack, ENV } from './support.js';

describe('OpsView', () => {
  let template: Template;
  let view: OpsView;

  beforeAll(() => {
    // GIVEN a stack with a reliable queue (two alarms), a function and a state machine
    const stack = createStack();
    new ReliableQueue(stack, 'Orders');
    new lambda.Function(stack, 'Worker', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    new sfn.StateMachine(stack, 'Checkout', {
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pay')),
    });
    // WHEN the view is added
    view = new OpsView(stack, 'Operations');
    template = Template.fromStack(stack);
  });

  it('sends every alarm of the stack to the ops topic', () => {
    // THEN
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^OperationsTopic/) }]);
    }
    expect(view.alarms).toHaveLength(2);
  });

  it('encrypts the ops topic with a key CloudWatch may use, from this account only', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('draws a dashboard with queue, dead-letter, Lambda, state machine and alarm widgets', () => {
    // THEN
    expect(widgetTitles(template)).toEqual([
      'Queue depth (visible)',
      'Oldest message age (s)',
      'Dead-letter depth',
      'Lambda errors',
      'Lambda throttles',
      'Checkout: outcomes',
      'Alarms',
    ]);
  });

  it('graphs the state machine’s succeeded, failed and timed-out executions', () => {
    // THEN
    const machine = `<${logicalId(template, 'AWS::StepFunctions::StateMachine', (id) => id.startsWith('Checkout'))}>`;
    expect(metricsOf(template, 'Checkout: outcomes')).toEqual([
      ['AWS/States', 'ExecutionsSucceeded', 'StateMachineArn', machine],
      ['AWS/States', 'ExecutionsFailed', 'StateMachineArn', machine],
      ['AWS/States', 'ExecutionsTimedOut', 'StateMachineArn', machine],
    ]);
  });

  it('shows the state of every alarm of the stack', () => {
    // THEN
    const widget = dashboardBody(template).widgets.find((w) => w.properties.title === 'Alarms');
    const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).map((id) => `<${id}.Arn>`);
    expect([...((widget?.properties.alarms as string[] | undefined) ?? [])].sort()).toEqual(alarms.sort());
  });

  it('graphs the work queue’s depth and age, and the dead-letter queue’s depth, by their names', () => {
    // THEN
    const queue = logicalId(template, 'AWS::SQS::Queue', (id) => !id.includes('DeadLetter'));
    const dlq = logicalId(template, 'AWS::SQS::Queue', (id) => id.includes('DeadLetter'));
    expect(metricsOf(template, 'Queue depth (visible)')).toEqual([
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', `<${queue}.QueueName>`],
    ]);
    expect(metricsOf(template, 'Oldest message age (s)')).toEqual([
      ['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', `<${queue}.QueueName>`],
    ]);
    expect(metricsOf(template, 'Dead-letter depth')).toEqual([
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', `<${dlq}.QueueName>`],
    ]);
  });

  it('graphs the function’s errors and throttles', () => {
    // THEN
    const worker = logicalId(template, 'AWS::Lambda::Function', (id) => id.startsWith('Worker'));
    expect(metricsOf(template, 'Lambda errors')).toEqual([
      ['AWS/Lambda', 'Errors', 'FunctionName', `<${worker}>`],
    ]);
    expect(metricsOf(template, 'Lambda throttles')).toEqual([
      ['AWS/Lambda', 'Throttles', 'FunctionName', `<${worker}>`],
    ]);
  });

  it('labels each function by the construct it serves, without the ids CDK gives main children', () => {
    // GIVEN a NodeFunction (its function is the child `Default`) on its own and inside a consumer
    const stack = new Stack(createApp({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Labels', {
      env: ENV,
    });
    const entry = lambdaEntry('email-notifier');
    new NodeFunction(stack, 'ReserveStock', { entry });
    new NodeFunction(new Construct(stack, 'EmailNotifier'), 'Function', { entry });
    // WHEN
    new OpsView(stack, 'Operations');
    // THEN
    expect(labelsOf(Template.fromStack(stack), 'Lambda errors').sort()).toEqual([
      'EmailNotifier',
      'ReserveStock',
    ]);
  });

  it('uses a given ops topic instead of creating one', () => {
    // GIVEN
    const stack = createStack('Other');
    const topic = new sns.Topic(stack, 'Pager');
    new ReliableQueue(stack, 'Orders');
    // WHEN
    const given = new OpsView(stack, 'Operations', { opsTopic: topic });
    // THEN
    expect(given.opsTopic).toBe(topic);
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Topic', 1);
  });

  it('covers the resources defined after it, wherever it is created', () => {
    // GIVEN a view created first
    const stack = createStack('First');
    const first = new OpsView(stack, 'Operations');
    // WHEN a queue with its two alarms comes after it
    new ReliableQueue(stack, 'Orders');
    const later = Template.fromStack(stack);
    // THEN
    expect(first.alarms).toHaveLength(2);
    for (const alarm of Object.values(later.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^OperationsTopic/) }]);
    }
  });

  it('tells a dead-letter queue by its use, not by its name', () => {
    // GIVEN a queue named like a DLQ that is not one, and a DLQ named like anything else
    const stack = createStack('Names');
    const graveyard = new sqs.Queue(stack, 'Graveyard');
    new sqs.Queue(stack, 'Work', { deadLetterQueue: { queue: graveyard, maxReceiveCount: 3 } });
    new sqs.Queue(stack, 'DeadLetterLookalike');
    const topicDlq = new sqs.Queue(stack, 'Undelivered');
    new sns.Topic(stack, 'Topic').addSubscription(
      new subscriptions.SqsSubscription(new sqs.Queue(stack, 'Subscriber'), { deadLetterQueue: topicDlq }),
    );
    // WHEN
    new OpsView(stack, 'Operations');
    const names = Template.fromStack(stack);
    // THEN
    const queueNames = (title: string) =>
      metricsOf(names, title)
        .map((m) => String(m[3]).replace(/^<|[0-9A-F]{8}\.QueueName>$/g, ''))
        .sort();
    expect(queueNames('Dead-letter depth')).toEqual(['Graveyard', 'Undelivered']);
    expect(queueNames('Queue depth (visible)')).toEqual(['DeadLetterLookalike', 'Subscriber', 'Work']);
  });
});

/** The dashboard body with its tokens written as `<LogicalId>` or `<LogicalId.Attribute>`. */
function dashboardBody(template: Template): { widgets: Array<{ properties: Record<string, unknown> }> } {
  const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
  const body = dashboard?.Properties.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  if (typeof body === 'string') return JSON.parse(body);
  const text = body['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const token = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return token.Ref ? `<${token.Ref}>` : `<${token['Fn::GetAtt']?.join('.')}>`;
    })
    .join('');
  return JSON.parse(text);
}

function widgetTitles(template: Template): string[] {
  return dashboardBody(template).widgets.map((w) => String(w.properties.title));
}

/** The metrics of the widget titled `title`, without their rendering options. */
function metricsOf(template: Template, title: string): unknown[][] {
  const widget = dashboardBody(template).widgets.find((w) => w.properties.title === title);
  const metrics = (widget?.properties.metrics ?? []) as unknown[][];
  return metrics.map((m) => m.filter((part) => typeof part !== 'object'));
}

/** The labels of the metrics of the widget titled `title`. */
function labelsOf(template: Template, title: string): string[] {
  const widget = dashboardBody(template).widgets.find((w) => w.properties.title === title);
  const metrics = (widget?.properties.metrics ?? []) as unknown[][];
  return metrics.map((m) =>
    String((m.find((part) => typeof part === 'object') as { label?: string })?.label),
  );
}

function logicalId(template: Template, type: string, accept: (id: string) => boolean): string {
  const id = Object.keys(template.findResources(type)).find(accept);
  if (!id) throw new Error(`no ${type} matches`);
  return id;
}
