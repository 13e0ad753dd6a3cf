import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/clients.js';
import { ledgerKeys } from '../shared/ledger.js';
import type { LoyaltyLedger, PointsAward } from './award-points.js';

/** Adds the points to the customer's balance and records the award, in one transaction. */
export class DynamoDbLoyaltyLedger implements LoyaltyLedger {
  constructor(private readonly tableName: string) {}

  async award(award: PointsAward): Promise<void> {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: { pk: ledgerKeys.customer(award.customerId), sk: ledgerKeys.loyaltyBalance },
              UpdateExpression: 'ADD points :points',
              ExpressionAttributeValues: { ':points': award.points },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: ledgerKeys.order(award.orderId),
                sk: ledgerKeys.loyaltyAward(randomUUID()),
                ...award,
                awardedAt: new Date().toISOString(),
              },
            },
          },
        ],
      }),
    );
  }
}
