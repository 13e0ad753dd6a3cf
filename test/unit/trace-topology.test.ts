import { describe, expect, it } from 'vitest';
import type { StackTemplate } from '../../scripts/shared/cdk-out.js';
import { topologyOf } from '../../scripts/trace/topology.js';

const path = (p: string) => ({ 'aws:cdk:path': p });

const template: StackTemplate = {
  stackName: 'Shop',
  outputs: {},
  resources: {
    IntakeQueue1: { Type: 'AWS::SQS::Queue', Metadata: path('Shop/IntakeQueue/Queue/Resource') },
    MailQueue1: { Type: 'AWS::SQS::Queue', Metadata: path('Shop/MailQueue/Queue/Resource') },
    Outcomes1: { Type: 'AWS::SNS::Topic', Metadata: path('Shop/Outcomes/Topic/Resource') },
    IntakeRule1: {
      Type: 'AWS::Events::Rule',
      Metadata: path('Shop/IntakeRoute/Rule/Resource'),
      Properties: {
        EventPattern: { 'detail-type': ['OrderPlaced'] },
        Targets: [{ Arn: { 'Fn::GetAtt': ['IntakeQueue1', 'Arn'] }, Id: 'Target0' }],
      },
    },
    OutcomesRule1: {
      Type: 'AWS::Events::Rule',
      Metadata: path('Shop/OutcomesRoute/Rule/Resource'),
      Properties: {
        EventPattern: { source: ['x'] },
        Targets: [{ Arn: { Ref: 'Outcomes1' }, Id: 'Target0' }],
      },
    },
    MailSubscription1: {
      Type: 'AWS::SNS::Subscription',
      Properties: {
        Protocol: 'sqs',
        TopicArn: { Ref: 'Outcomes1' },
        Endpoint: { 'Fn::GetAtt': ['MailQueue1', 'Arn'] },
      },
    },
    MailerLogGroup1: {
      Type: 'AWS::Logs::LogGroup',
      Metadata: path('Shop/Mailer/Function/LogGroup/Resource'),
    },
    FlowLogs1: { Type: 'AWS::Logs::LogGroup', Metadata: path('Shop/Vpc/FlowLogs/Resource') },
  },
};

const physicalIds = new Map([
  ['Shop/IntakeQueue1', 'https://sqs.eu-west-1.amazonaws.com/1/Shop-IntakeQueue-AB12'],
  ['Shop/MailQueue1', 'https://sqs.eu-west-1.amazonaws.com/1/Shop-MailQueue-CD34'],
  ['Shop/MailerLogGroup1', '/aws/lambda/Shop-Mailer'],
  ['Shop/FlowLogs1', 'Shop-FlowLogs'],
]);

describe('topologyOf', () => {
  const topology = topologyOf([template], physicalIds);

  it('knows the rule that targets a queue, by the deployed queue name, with its detail types', () => {
    expect(topology.queues.get('Shop-IntakeQueue-AB12')).toEqual({
      name: 'Shop/IntakeQueue',
      rules: [{ name: 'Shop/IntakeRoute', detailTypes: ['OrderPlaced'] }],
    });
  });

  it('knows the topic a queue subscribes to and the rule that targets the topic', () => {
    expect(topology.queues.get('Shop-MailQueue-CD34')).toEqual({
      name: 'Shop/MailQueue',
      rules: [],
      topic: { name: 'Shop/Outcomes', rules: [{ name: 'Shop/OutcomesRoute' }] },
    });
  });

  it("lists the functions' log groups only, by deployed name", () => {
    expect([...topology.logGroups]).toEqual([['/aws/lambda/Shop-Mailer', 'Shop/Mailer']]);
  });
});
