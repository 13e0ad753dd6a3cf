import { describe, expect, it, vi } from 'vitest';
import { orderConfirmed } from '../../../contracts/samples.js';
import {
  awardPoints,
  type LoyaltyLedger,
  type PointsAward,
  pointsFor,
} from '../../../lambdas/loyalty-points/award-points.js';

describe('pointsFor', () => {
  it.each([
    [120, 120],
    [120.99, 120],
    [0.99, 0],
    [0, 0],
    [1249.5, 1249],
  ])('gives %d spent %d points (one per whole unit)', (total, points) => {
    expect(pointsFor(total)).toBe(points);
  });
});

describe('awardPoints', () => {
  const recordingLedger = () => {
    const award = vi.fn(async (_award: PointsAward) => undefined);
    const ledger: LoyaltyLedger = { award };
    return { ledger, award };
  };

  it('awards the customer the points for the order, referenced by the idempotency key', async () => {
    const { ledger, award } = recordingLedger();
    const event = orderConfirmed({ orderId: 'ord-9', customerId: 'cust-77', total: 199.95 });

    await awardPoints(event, ledger);

    expect(award).toHaveBeenCalledExactlyOnceWith({
      customerId: 'cust-77',
      orderId: 'ord-9',
      points: 199,
      reference: event.detail.metadata.idempotencyKey,
    });
  });

  it('returns the award it made', async () => {
    const { ledger, award } = recordingLedger();
    const result = await awardPoints(orderConfirmed({ total: 50 }), ledger);
    expect(result).toEqual(award.mock.calls[0]?.[0]);
  });

  it('fails when the ledger fails, so the record is retried', async () => {
    const ledger: LoyaltyLedger = { award: async () => Promise.reject(new Error('transaction cancelled')) };
    await expect(awardPoints(orderConfirmed(), ledger)).rejects.toThrow('transaction cancelled');
  });
});
