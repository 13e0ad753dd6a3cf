import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { OpsView } from '../../lib/patterns/ops-view/index.js';
import { ReliableQueue } from '../../lib/patterns/reliable-queue/index.js';
import { createStack } from './support.js';

describe('OpsView', () => {
  let template: Template;
  let view: OpsView;

  beforeAll(() => {
    // GIVEN a stack with a reliable queue (two alarms) and a function
    const stack = createStack();
    new ReliableQueue(stack, 'Orders');
    new lambda.Function(stack, 'Worker', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    // WHEN the view is created last
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

  it('draws a dashboard with queue, dead-letter, Lambda and alarm widgets', () => {
    // THEN
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    for (const title of [
      'Queue depth (visible)',
      'Oldest message age (s)',
      'Dead-letter depth',
      'Lambda errors',
      'Lambda throttles',
      'Alarms',
    ]) {
      expect(body).toContain(title);
    }
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
});
