import { describe, expect, it } from 'vitest';
import type { OrderConfirmed } from '../../../contracts/events/order-confirmed.js';
import { orderCancelled, orderConfirmed, orderStatusChanged } from '../../../contracts/samples.js';
import { countSale, type Sale, type SalesWindows, saleOf } from '../../../lambdas/sales-per-minute/sales.js';

/** A confirmation that happened at `occurredAt`. */
function confirmedAt(occurredAt: string, data: Parameters<typeof orderConfirmed>[0] = {}): OrderConfirmed {
  const event = orderConfirmed(data);
  return { ...event, detail: { ...event.detail, metadata: { ...event.detail.metadata, occurredAt } } };
}

/** Sales windows that count each order once, keeping every sale it was asked to add. */
class RecordingWindows implements SalesWindows {
  readonly asked: Sale[] = [];
  readonly #counted = new Set<string>();
  async add(sale: Sale): Promise<'added' | 'already counted'> {
    this.asked.push(sale);
    if (this.#counted.has(sale.orderId)) return 'already counted';
    this.#counted.add(sale.orderId);
    return 'added';
  }
}

describe('saleOf', () => {
  it("is the confirmed order's total and currency", () => {
    // GIVEN an order confirmed for 120 EUR
    const event = confirmedAt('2026-12-03T13:05:00Z', { orderId: 'ord-s1', total: 120, currency: 'EUR' });

    // WHEN its sale is taken THEN it is that order's amount
    expect(saleOf(event)).toEqual({
      orderId: 'ord-s1',
      minute: '2026-12-03T13:05',
      currency: 'EUR',
      total: 120,
    });
  });

  it('falls in the UTC minute the order was confirmed in, whatever the offset it was stamped with', () => {
    // GIVEN a confirmation stamped 14:05:59 at UTC+1
    const event = confirmedAt('2026-12-03T14:05:59+01:00');

    // WHEN its sale is taken THEN its minute is 13:05 UTC
    expect(saleOf(event)?.minute).toBe('2026-12-03T13:05');
  });

  it('is nothing for a cancellation', () => {
    // GIVEN a cancelled order, WHEN its sale is taken, THEN there is none
    expect(saleOf(orderCancelled())).toBeUndefined();
  });

  it('is nothing for a status change', () => {
    // GIVEN a status change, WHEN its sale is taken, THEN there is none
    expect(saleOf(orderStatusChanged('ord-s2', 'PAYMENT_AUTHORIZED', 2))).toBeUndefined();
  });
});

describe('countSale', () => {
  it('adds a confirmed order to its minute', async () => {
    // GIVEN empty windows
    const windows = new RecordingWindows();
    const event = confirmedAt('2026-12-03T13:05:10Z', { orderId: 'ord-c1', total: 45, currency: 'GBP' });

    // WHEN the confirmation is counted
    const counted = await countSale(event, windows);

    // THEN the windows were given its sale, and it was added
    const sale = { orderId: 'ord-c1', minute: '2026-12-03T13:05', currency: 'GBP', total: 45 };
    expect(windows.asked).toEqual([sale]);
    expect(counted).toEqual({ sale, outcome: 'added' });
  });

  it('says a confirmation counted before is already counted', async () => {
    // GIVEN windows that counted the order
    const windows = new RecordingWindows();
    const event = confirmedAt('2026-12-03T13:05:10Z', { orderId: 'ord-c2' });
    await countSale(event, windows);

    // WHEN it is counted again (a replay of the log)
    const again = await countSale(event, windows);

    // THEN the windows' answer comes back
    expect(again.outcome).toBe('already counted');
  });

  it('does not touch the windows for an event that is not a sale', async () => {
    // GIVEN a cancellation
    const windows = new RecordingWindows();

    // WHEN it is counted
    const counted = await countSale(orderCancelled(), windows);

    // THEN it is not a sale and nothing was added
    expect(counted).toEqual({ outcome: 'not a sale' });
    expect(windows.asked).toEqual([]);
  });
});
