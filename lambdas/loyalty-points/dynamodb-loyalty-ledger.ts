import { addOnce } from '../shared/add-once.js';
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
    await addOnce({
      tableName: this.tableName,
      marker: {
        pk: ledgerKeys.order(award.orderId),
        sk: ledgerKeys.loyaltyAward(award.reference),
        ...award,
        awardedAt: new Date().toISOString(),
      },
      total: {
        key: { pk: ledgerKeys.customer(award.customerId), sk: ledgerKeys.loyaltyBalance },
        add: 'ADD points :points',
        values: { ':points': award.points },
      },
    });
  }
}
