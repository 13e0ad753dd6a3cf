import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventStore } from '../../lib/patterns/event-store/index.js';
import { createStack } from './support.js';

describe('EventStore defaults', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN an EventStore with no props, and a writer
    const stack = createStack();
    const store = new EventStore(stack, 'Orders');
    store.grantAppend(
      new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }),
    );
    template = Template.fromStack(stack);
  });

  it('keys events on the aggregate id and a numeric version', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'aggregateId', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'aggregateId', AttributeType: 'S' },
        { AttributeName: 'version', AttributeType: 'N' },
      ]),
    });
  });

  it('streams new images, keeps point-in-time recovery and encrypts at rest', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('keeps its events: no TTL, and the table is retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ TimeToLiveSpecification: Match.absent() }),
    });
  });

  it('lets a writer query, put and condition-check, but never update or delete', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
            Effect: 'Allow',
          }),
        ],
      },
    });
  });
});

describe('EventStore props', () => {
  it('encrypts with a customer-managed key when given one', () => {
    const stack = createStack();
    new EventStore(stack, 'Orders', {
      encryptionKey: new kms.Key(stack, 'Key'),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
    });
  });

  it('hands the snapshot interval to the functions that append', () => {
    const stack = createStack();
    const store = new EventStore(stack, 'Orders', { snapshotEvery: 20 });
    expect(store.environment.EVENT_STORE_SNAPSHOT_EVERY).toBe('20');
  });

  it('refuses a snapshot interval that is not a whole number of events', () => {
    expect(() => new EventStore(createStack(), 'Orders', { snapshotEvery: 2.5 })).toThrow(
      /EventStore Orders: snapshotEvery must be a whole number of events \(0 for none\), got 2.5/,
    );
  });
});
