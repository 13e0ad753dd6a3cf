import type { OrderConfirmed } from '../../contracts/events/order-confirmed.js';

/** Port: the loyalty ledger. `award` is not idempotent on its own: it adds to a balance. */
export interface LoyaltyLedger {
  award(award: PointsAward): Promise<void>;
}

export interface PointsAward {
  readonly customerId: string;
  readonly orderId: string;
  readonly points: number;
  readonly reference: string;
}

/** One point per whole unit of currency spent. */
export function pointsFor(total: number): number {
  return Math.floor(total);
}

export async function awardPoints(event: OrderConfirmed, ledger: LoyaltyLedger): Promise<PointsAward> {
  const { data, metadata } = event.detail;
  const award: PointsAward = {
    customerId: data.customerId,
    orderId: data.orderId,
    points: pointsFor(data.total),
    reference: metadata.idempotencyKey,
  };
  await ledger.award(award);
  return award;
}
