import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { IdempotencyTable } from '../patterns/idempotency-table/index.js';

/**
 * The Powertools idempotency table each stack of the app has: removed with the stack (the
 * reference app's data is disposable), encrypted with the stack's key when it has one.
 */
export function appIdempotencyTable(stack: Stack, encryptionKey?: kms.IKey): IdempotencyTable {
  return new IdempotencyTable(stack, 'Idempotency', { removalPolicy: RemovalPolicy.DESTROY, encryptionKey });
}
