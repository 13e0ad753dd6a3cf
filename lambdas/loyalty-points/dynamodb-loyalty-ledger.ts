import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/clients.js';
import { ledgerKeys } from '../shared/ledger.js';
import type { LoyaltyLedger, PointsAward } from './award-points.js';

/**
 * Adds the points to the customer's balance and records the award, in one transaction that
 * only commits if this award (by its reference, the event's idempotency key) is new: a retry
 * whose first attempt timed out after committing cannot add the points twice.
 */
export class DynamoDbLoyaltyLedger implements LoyaltyLedger {
  constructor(private readonly tableName: string) {}

  async award(award: PointsAward): Promise<void> {
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: ledgerKeys.order(award.orderId),
                  sk: ledgerKeys.loyaltyAward(award.reference),
                  ...award,
                  awardedAt: new Date().toISOString(),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: ledgerKeys.customer(award.customerId), sk: ledgerKeys.loyaltyBalance },
                UpdateExpression: 'ADD points :points',
                ExpressionAttributeValues: { ':points': award.points },
              },
            },
          ],
        }),
      );
    } catch (error) {
      const alreadyAwarded =
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
      if (!alreadyAwarded) throw error;
    }
  }
}
