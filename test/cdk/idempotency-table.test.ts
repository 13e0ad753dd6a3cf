import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, it } from 'vitest';
import { IdempotencyTable } from '../../lib/patterns/idempotency-table/index.js';
import { createStack } from './support.js';

describe('IdempotencyTable defaults', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN an IdempotencyTable with no props
    const stack = createStack();
    new IdempotencyTable(stack, 'Idempotency');
    template = Template.fromStack(stack);
  });

  it('bills per request', () => {
    // THEN
    template.hasResourceProperties('AWS::DynamoDB::Table', { BillingMode: 'PAY_PER_REQUEST' });
  });

  it('keys records on a string attribute named id, as Powertools expects', () => {
    // THEN
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    });
  });

  it('expires records through TTL on the expiration attribute', () => {
    // THEN
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });

  it('enables point-in-time recovery', () => {
    // THEN
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('encrypts at rest', () => {
    // THEN
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true } });
  });

  it('keeps the table when it leaves the stack', () => {
    // THEN
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('IdempotencyTable options', () => {
  it('encrypts with a given customer-managed key', () => {
    // GIVEN
    const stack = createStack();
    const key = new kms.Key(stack, 'Key');
    // WHEN
    new IdempotencyTable(stack, 'Encrypted', { encryptionKey: key });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: stack.resolve(key.keyArn) },
    });
  });

  it('deletes the table with the stack when the removal policy says so', () => {
    // GIVEN / WHEN
    const stack = createStack();
    new IdempotencyTable(stack, 'Disposable', { removalPolicy: RemovalPolicy.DESTROY });
    // THEN
    Template.fromStack(stack).hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ BillingMode: 'PAY_PER_REQUEST' }),
    });
  });
});
