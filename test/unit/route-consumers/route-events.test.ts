import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import {
  AnalyticsEventSchema,
  CouponOrderSchema,
  FraudReviewEventSchema,
  GiftOrderSchema,
  PartnerOrderSchema,
} from '../../../contracts/route-events.js';
import { orderConfirmed, orderStatusChanged } from '../../../contracts/samples.js';
import { orderPlaced } from '../support/orders.js';
import { slimmed } from './support.js';

/** The paths of the fields a body fails on (what the dead-letter reason names). */
const failingPaths = (schema: z.ZodMiniType, body: unknown): string[] => {
  const result = schema.safeParse(JSON.parse(JSON.stringify(body)));
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('FraudReviewEventSchema', () => {
  it('accepts the slim event the input transformer builds', () => {
    // GIVEN / WHEN / THEN
    expect(failingPaths(FraudReviewEventSchema, slimmed(orderPlaced()))).toEqual([]);
  });

  it('keeps only the five fields of data, whatever else arrives', () => {
    // GIVEN a whole OrderPlaced (e.g. redriven from elsewhere)
    const parsed = FraudReviewEventSchema.parse(orderPlaced());
    // THEN
    expect(Object.keys(parsed.detail.data).sort()).toEqual([
      'currency',
      'customerId',
      'customerTier',
      'orderId',
      'total',
    ]);
  });

  it('rejects a body without the envelope metadata, naming it', () => {
    // GIVEN the old transformer's output: the order fields at the top level
    const { data } = slimmed(orderPlaced()).detail;
    // WHEN / THEN
    expect(failingPaths(FraudReviewEventSchema, { ...data, eventId: 'e-1' })).toContain('detail');
  });

  it('applies the OrderPlaced contract to the fields it keeps', () => {
    // GIVEN a slim event whose total has three decimals
    const event = slimmed(orderPlaced());
    event.detail.data.total = 10.005;
    // WHEN / THEN
    expect(failingPaths(FraudReviewEventSchema, event)).toEqual(['detail.data.total']);
  });
});

describe('PartnerOrderSchema', () => {
  it('accepts an order from a partner channel', () => {
    expect(failingPaths(PartnerOrderSchema, orderPlaced({ channel: 'partner-acme' }))).toEqual([]);
  });

  it('rejects an order from any other channel, naming the channel', () => {
    expect(failingPaths(PartnerOrderSchema, orderPlaced({ channel: 'partnerships' }))).toEqual([
      'detail.data.channel',
    ]);
  });
});

describe('GiftOrderSchema', () => {
  it('accepts an order with a gift SKU among other lines', () => {
    const event = orderPlaced({
      items: [
        { sku: 'BOOK-001', quantity: 1, unitPrice: 10 },
        { sku: 'MUG-GIFT', quantity: 1, unitPrice: 12 },
      ],
    });
    expect(failingPaths(GiftOrderSchema, event)).toEqual([]);
  });

  it('rejects an order without a gift SKU, naming the items', () => {
    expect(failingPaths(GiftOrderSchema, orderPlaced())).toEqual(['detail.data.items']);
  });
});

describe('CouponOrderSchema', () => {
  it('accepts an order with a coupon code', () => {
    expect(failingPaths(CouponOrderSchema, orderPlaced({ couponCode: 'WELCOME10' }))).toEqual([]);
  });

  it('rejects an order without one, naming the coupon code', () => {
    expect(failingPaths(CouponOrderSchema, orderPlaced())).toEqual(['detail.data.couponCode']);
  });
});

describe('AnalyticsEventSchema', () => {
  it.each([
    ['OrderPlaced', orderPlaced()],
    ['OrderConfirmed', orderConfirmed()],
  ])('accepts an %s', (_type, event) => {
    expect(failingPaths(AnalyticsEventSchema, event)).toEqual([]);
  });

  it('rejects an event type without a channel (OrderStatusChanged), naming the detail-type', () => {
    expect(failingPaths(AnalyticsEventSchema, orderStatusChanged('ord-1', 'SHIPPED', 4))).toEqual([
      'detail-type',
    ]);
  });

  it('rejects a total sent as a string, naming it', () => {
    // GIVEN an OrderPlaced whose total is text (the numeric route filters skip it; this one does not)
    const event = orderPlaced() as unknown as { detail: { data: Record<string, unknown> } };
    event.detail.data.total = '1500';
    // WHEN / THEN
    expect(failingPaths(AnalyticsEventSchema, event)).toEqual(['detail.data.total']);
  });
});
