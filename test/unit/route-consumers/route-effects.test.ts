import { describe, expect, it } from 'vitest';
import { CouponOrderSchema } from '../../../contracts/route-events.js';
import { orderCancelled, orderConfirmed } from '../../../contracts/samples.js';
import {
  forwardToPartner,
  markGiftWrap,
  openReviewCase,
  recordCouponUse,
  recordOrderFact,
} from '../../../lambdas/route-consumers/route-effects.js';
import { orderPlaced, placedMetadata } from '../support/orders.js';
import { failingStore, recordingStore, slimmed } from './support.js';

const ORDER = 'ord-7c1e9a42';
const metadata = placedMetadata(ORDER);
/** What every effect of that OrderPlaced carries about its cause. */
const cause = {
  orderId: ORDER,
  idempotencyKey: metadata.idempotencyKey,
  eventId: metadata.eventId,
  occurredAt: metadata.occurredAt,
};

describe('openReviewCase', () => {
  it('opens a review case for the order with its risk fields', async () => {
    // GIVEN the slim OrderPlaced of a new customer's large order
    const { store, record } = recordingStore();
    const event = slimmed(orderPlaced({ customerTier: 'new', total: 1800, currency: 'USD' }));
    // WHEN
    await openReviewCase(event, store);
    // THEN
    expect(record).toHaveBeenCalledExactlyOnceWith({
      kind: 'REVIEW',
      status: 'OPEN',
      ...cause,
      customerId: 'cust-1042',
      customerTier: 'new',
      total: 1800,
      currency: 'USD',
    });
  });

  it('fails when the store fails, so the record is retried', async () => {
    // GIVEN / WHEN / THEN
    await expect(openReviewCase(slimmed(orderPlaced()), failingStore)).rejects.toThrow('throttled');
  });
});

describe('forwardToPartner', () => {
  it('forwards the order to the partner its channel names after partner-', async () => {
    // GIVEN
    const { store, record } = recordingStore();
    // WHEN
    const forward = await forwardToPartner(orderPlaced({ channel: 'partner-acme' }), store);
    // THEN
    expect(forward.partner).toBe('acme');
    expect(record).toHaveBeenCalledExactlyOnceWith(forward);
  });

  it('keeps every character of the partner name after the prefix', async () => {
    // GIVEN / WHEN
    const forward = await forwardToPartner(
      orderPlaced({ channel: 'partner-münchen-✓' }),
      recordingStore().store,
    );
    // THEN
    expect(forward.partner).toBe('münchen-✓');
  });

  it('hands over the lines to fulfil, the total and the cause, and nothing of the customer', async () => {
    // GIVEN
    const event = orderPlaced({
      channel: 'partner-acme',
      items: [{ sku: 'BOOK-001', quantity: 2, unitPrice: 15 }],
      total: 30,
    });
    // WHEN
    const forward = await forwardToPartner(event, recordingStore().store);
    // THEN
    expect(forward).toEqual({
      kind: 'PARTNER',
      ...cause,
      partner: 'acme',
      items: [{ sku: 'BOOK-001', quantity: 2 }],
      total: 30,
      currency: 'EUR',
    });
  });
});

describe('markGiftWrap', () => {
  it('names only the gift SKUs of the order', async () => {
    // GIVEN an order with one gift line among others
    const { store, record } = recordingStore();
    const event = orderPlaced({
      items: [
        { sku: 'BOOK-001', quantity: 1, unitPrice: 10 },
        { sku: 'MUG-GIFT', quantity: 1, unitPrice: 12 },
      ],
    });
    // WHEN
    await markGiftWrap(event, store);
    // THEN
    expect(record).toHaveBeenCalledExactlyOnceWith({ kind: 'GIFT_WRAP', ...cause, skus: ['MUG-GIFT'] });
  });

  it('names a gift SKU on two lines once', async () => {
    // GIVEN
    const event = orderPlaced({
      items: [
        { sku: 'MUG-GIFT', quantity: 1, unitPrice: 12 },
        { sku: 'SCARF-GIFT', quantity: 1, unitPrice: 20 },
        { sku: 'MUG-GIFT', quantity: 2, unitPrice: 12 },
      ],
    });
    // WHEN
    const mark = await markGiftWrap(event, recordingStore().store);
    // THEN
    expect(mark.skus).toEqual(['MUG-GIFT', 'SCARF-GIFT']);
  });
});

describe('recordCouponUse', () => {
  it('records the coupon code, the order and its total', async () => {
    // GIVEN
    const { store, record } = recordingStore();
    const event = CouponOrderSchema.parse(orderPlaced({ couponCode: 'WELCOME10', total: 90 }));
    // WHEN
    await recordCouponUse(event, store);
    // THEN
    expect(record).toHaveBeenCalledExactlyOnceWith({
      kind: 'COUPON',
      ...cause,
      couponCode: 'WELCOME10',
      customerId: 'cust-1042',
      total: 90,
      currency: 'EUR',
    });
  });
});

describe('recordOrderFact', () => {
  it('records an OrderPlaced as a fact of its type, order, total and channel', async () => {
    // GIVEN
    const { store, record } = recordingStore();
    // WHEN
    await recordOrderFact(orderPlaced({ total: 42.5, channel: 'mobile' }), store);
    // THEN
    expect(record).toHaveBeenCalledExactlyOnceWith({
      kind: 'FACT',
      eventType: 'OrderPlaced',
      ...cause,
      total: 42.5,
      currency: 'EUR',
      channel: 'mobile',
    });
  });

  it.each([
    ['OrderConfirmed', orderConfirmed({ channel: 'web' })],
    ['OrderCancelled', orderCancelled({ channel: 'web' })],
  ] as const)('records an %s under its own type', async (type, event) => {
    // GIVEN / WHEN
    const fact = await recordOrderFact(event, recordingStore().store);
    // THEN
    expect(fact).toMatchObject({
      eventType: type,
      orderId: event.detail.data.orderId,
      idempotencyKey: event.detail.metadata.idempotencyKey,
    });
  });

  it('fails when the store fails, so the record is retried', async () => {
    // GIVEN / WHEN / THEN
    await expect(recordOrderFact(orderPlaced(), failingStore)).rejects.toThrow('throttled');
  });
});
