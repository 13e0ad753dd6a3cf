import type * as events from 'aws-cdk-lib/aws-events';
import { ORDER_CANCELLED_DETAIL_TYPE } from '../../contracts/events/order-cancelled.js';
import { ORDER_CONFIRMED_DETAIL_TYPE } from '../../contracts/events/order-confirmed.js';
import { ORDER_PLACED_DETAIL_TYPE } from '../../contracts/events/order-placed.js';
import { ORDERS_SOURCE } from '../../contracts/events/sources.js';
import {
  GIFT_SKU_SUFFIX,
  PARTNER_CHANNEL_PREFIX,
  TEST_TRAFFIC_CHANNEL,
} from '../../contracts/route-events.js';

// What a partner channel and a gift SKU are belongs to the route consumers; the rules use the same.
export { GIFT_SKU_SUFFIX, PARTNER_CHANNEL_PREFIX, TEST_TRAFFIC_CHANNEL };

/** Orders at or above this total always go to fraud review. */
export const FRAUD_REVIEW_TOTAL = 1000;
/** New customers' orders above this (and below FRAUD_REVIEW_TOTAL) go to fraud review too. */
export const FRAUD_REVIEW_NEW_CUSTOMER_TOTAL = 500;

const orderPlaced = { source: [ORDERS_SOURCE], detailType: [ORDER_PLACED_DETAIL_TYPE] };

/**
 * The content-based routing of the order domain, one pattern per route, built from the event
 * contracts' constants. Between them they use every operator: exact match, prefix, suffix,
 * numeric ranges, anything-but, exists / not exists, $or and matching inside arrays.
 */
export const ORDER_ROUTES = {
  /** Every order placed starts the fulfilment saga (exact match). */
  intake: {
    description: 'Every OrderPlaced, to the fulfilment saga',
    pattern: orderPlaced,
  },
  /** Large orders, or fairly large ones from new customers ($or, numeric ranges). */
  fraudReview: {
    description: `OrderPlaced with total >= ${FRAUD_REVIEW_TOTAL}, or from a new customer with ${FRAUD_REVIEW_NEW_CUSTOMER_TOTAL} < total < ${FRAUD_REVIEW_TOTAL}`,
    pattern: {
      ...orderPlaced,
      detail: {
        data: {
          $or: [
            { total: [{ numeric: ['>=', FRAUD_REVIEW_TOTAL] }] },
            {
              customerTier: ['new'],
              total: [{ numeric: ['>', FRAUD_REVIEW_NEW_CUSTOMER_TOTAL, '<', FRAUD_REVIEW_TOTAL] }],
            },
          ],
        },
      },
    },
  },
  /** Orders from partner channels (prefix). */
  partner: {
    description: `OrderPlaced from a channel starting with '${PARTNER_CHANNEL_PREFIX}'`,
    pattern: { ...orderPlaced, detail: { data: { channel: [{ prefix: PARTNER_CHANNEL_PREFIX }] } } },
  },
  /** Free gift wrapping: any line is a gift SKU (suffix inside an array), full price only (not exists). */
  giftWrap: {
    description: `OrderPlaced with a SKU ending '${GIFT_SKU_SUFFIX}' and no coupon`,
    pattern: {
      ...orderPlaced,
      detail: { data: { items: { sku: [{ suffix: GIFT_SKU_SUFFIX }] }, couponCode: [{ exists: false }] } },
    },
  },
  /** Orders that used a coupon (exists). */
  promotions: {
    description: 'OrderPlaced with a coupon code',
    pattern: { ...orderPlaced, detail: { data: { couponCode: [{ exists: true }] } } },
  },
  /** Every order event except synthetic test traffic (anything-but). */
  analytics: {
    description: `Every order event whose channel is not '${TEST_TRAFFIC_CHANNEL}'`,
    pattern: {
      source: [ORDERS_SOURCE],
      detail: { data: { channel: [{ 'anything-but': [TEST_TRAFFIC_CHANNEL] }] } },
    },
  },
  /** Outcomes, to the SNS fan-out (notifications, loyalty, analytics consumers). */
  outcomes: {
    description: 'OrderConfirmed and OrderCancelled, to the notifications fan-out topic',
    pattern: {
      source: [ORDERS_SOURCE],
      detailType: [ORDER_CONFIRMED_DETAIL_TYPE, ORDER_CANCELLED_DETAIL_TYPE],
    },
  },
} as const satisfies Record<string, { description: string; pattern: events.EventPattern }>;

export type OrderRouteName = keyof typeof ORDER_ROUTES;
