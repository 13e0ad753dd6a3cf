import * as z from 'zod/mini';
import { busEventSchema } from './events/envelope.js';
import { OrderCancelledSchema } from './events/order-cancelled.js';
import { OrderConfirmedSchema } from './events/order-confirmed.js';
import {
  ORDER_PLACED_DETAIL_TYPE,
  ORDER_PLACED_SOURCE,
  ORDER_PLACED_VERSION,
  OrderPlacedDataSchema,
  OrderPlacedSchema,
} from './events/order-placed.js';

/** Sales channels of partners start with this; the rest of the channel names the partner. */
export const PARTNER_CHANNEL_PREFIX = 'partner-';
/** The channel of synthetic test traffic: no analytics fact and no customer e-mail for it. */
export const TEST_TRAFFIC_CHANNEL = 'test';
/** SKUs of gift articles end with this. */
export const GIFT_SKU_SUFFIX = '-GIFT';

// What each bus route delivers, as the contracts narrowed by the route's own filter (the rules in
// lib/stacks/order-routes.ts take the constants above). A body that lacks what its route
// guarantees was misrouted or hand-made: it fails here and is dead-lettered with the reason,
// instead of being acknowledged with nothing done.

/** The fields the fraud-review route's input transformer keeps of OrderPlaced `data`. */
export const FRAUD_REVIEW_FIELDS = {
  orderId: true,
  customerId: true,
  customerTier: true,
  total: true,
  currency: true,
} as const;

/** The slim OrderPlaced the fraud-review route delivers: the envelope, and five fields of `data`. */
export const FraudReviewEventSchema = busEventSchema(
  ORDER_PLACED_SOURCE,
  ORDER_PLACED_DETAIL_TYPE,
  ORDER_PLACED_VERSION,
  z.pick(OrderPlacedDataSchema, FRAUD_REVIEW_FIELDS),
);
export type FraudReviewEvent = z.infer<typeof FraudReviewEventSchema>;

/** An OrderPlaced from a partner channel. */
export const PartnerOrderSchema = busEventSchema(
  ORDER_PLACED_SOURCE,
  ORDER_PLACED_DETAIL_TYPE,
  ORDER_PLACED_VERSION,
  z.extend(OrderPlacedDataSchema, {
    channel: OrderPlacedDataSchema.shape.channel.check(z.startsWith(PARTNER_CHANNEL_PREFIX)),
  }),
);
export type PartnerOrder = z.infer<typeof PartnerOrderSchema>;

/** Whether a SKU is a gift article. */
export const isGiftSku = (sku: string): boolean => sku.endsWith(GIFT_SKU_SUFFIX);

/** An OrderPlaced with at least one gift SKU. */
export const GiftOrderSchema = busEventSchema(
  ORDER_PLACED_SOURCE,
  ORDER_PLACED_DETAIL_TYPE,
  ORDER_PLACED_VERSION,
  z.extend(OrderPlacedDataSchema, {
    items: OrderPlacedDataSchema.shape.items.check(
      z.refine((items) => items.some((line) => isGiftSku(line.sku)), {
        message: `no SKU ends with ${GIFT_SKU_SUFFIX}: nothing to gift-wrap`,
      }),
    ),
  }),
);
export type GiftOrder = z.infer<typeof GiftOrderSchema>;

/** An OrderPlaced that used a coupon. */
export const CouponOrderSchema = busEventSchema(
  ORDER_PLACED_SOURCE,
  ORDER_PLACED_DETAIL_TYPE,
  ORDER_PLACED_VERSION,
  z.required(OrderPlacedDataSchema, { couponCode: true }),
);
export type CouponOrder = z.infer<typeof CouponOrderSchema>;

/** Every order event the analytics route can match: those that carry a channel. */
export const AnalyticsEventSchema = z.discriminatedUnion('detail-type', [
  OrderPlacedSchema,
  OrderConfirmedSchema,
  OrderCancelledSchema,
]);
export type AnalyticsEvent = z.infer<typeof AnalyticsEventSchema>;
