import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * A service's own single-table store: `pk`/`sk` strings, on-demand, point-in-time recovery,
 * encryption at rest (an AWS-managed key, or `encryptionKey` when given). Removed with the
 * stack, as the reference app's data is disposable.
 */
export function serviceTable(scope: Construct, id: string, encryptionKey?: kms.IKey): dynamodb.Table {
  return new dynamodb.Table(scope, id, {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...(encryptionKey
      ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey }
      : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
    removalPolicy: RemovalPolicy.DESTROY,
  });
}
