import { randomUUID } from 'node:crypto';
import type { PublishRequest } from '../lambdas/shared/publisher.js';
import type { OrderDomainEvent } from './domain/order-events.js';
import { OrderCancelledContract, OrderConfirmedContract, OrderPlacedContract } from './events/catalog.js';
import type { EventMetadata } from './events/envelope.js';
import {
  ORDER_CANCELLED_DETAIL_TYPE,
  ORDER_CANCELLED_SOURCE,
  ORDER_CANCELLED_VERSION,
  type OrderCancelled,
  type OrderCancelledData,
  type OrderCancelledDataSchema,
} from './events/order-cancelled.js';
import {
  ORDER_CONFIRMED_DETAIL_TYPE,
  ORDER_CONFIRMED_SOURCE,
  ORDER_CONFIRMED_VERSION,
  type OrderConfirmed,
  type OrderConfirmedData,
  type OrderConfirmedDataSchema,
} from './events/order-confirmed.js';
import {
  ORDER_PLACED_DETAIL_TYPE,
  ORDER_PLACED_SOURCE,
  ORDER_PLACED_VERSION,
  type OrderPlaced,
  type OrderPlacedData,
  type OrderPlacedDataSchema,
} from './events/order-placed.js';
import {
  ORDER_STATUS_CHANGED_DETAIL_TYPE,
  ORDER_STATUS_CHANGED_SOURCE,
  ORDER_STATUS_CHANGED_VERSION,
  type OrderStatus,
  type OrderStatusChanged,
} from './events/order-status-changed.js';

/** Metadata for a new fact; the idempotency key names the fact, not the delivery. */
function metadata(idempotencyKey: string, version: string, correlationId: string): EventMetadata {
  const eventId = randomUUID();
  return {
    eventId,
    eventVersion: version,
    correlationId,
    causationId: eventId,
    occurredAt: new Date().toISOString(),
    idempotencyKey,
  };
}

export function newOrderId(prefix = 'ord'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function orderConfirmed(data: Partial<OrderConfirmedData> = {}): OrderConfirmed {
  const orderId = data.orderId ?? newOrderId();
  const full: OrderConfirmedData = {
    orderId,
    customerId: 'cust-1',
    customerEmail: 'ada@example.com',
    total: 120,
    currency: 'EUR',
    channel: 'web',
    itemCount: 2,
    ...data,
  };
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    source: ORDER_CONFIRMED_SOURCE,
    'detail-type': ORDER_CONFIRMED_DETAIL_TYPE,
    detail: { metadata: metadata(`${orderId}:confirmed`, ORDER_CONFIRMED_VERSION, orderId), data: full },
  };
}

export function orderCancelled(data: Partial<OrderCancelledData> = {}): OrderCancelled {
  const orderId = data.orderId ?? newOrderId();
  const full: OrderCancelledData = {
    orderId,
    customerId: 'cust-1',
    customerEmail: 'ada@example.com',
    total: 80,
    currency: 'EUR',
    channel: 'web',
    reason: 'PAYMENT_DECLINED',
    ...data,
  };
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    source: ORDER_CANCELLED_SOURCE,
    'detail-type': ORDER_CANCELLED_DETAIL_TYPE,
    detail: { metadata: metadata(`${orderId}:cancelled`, ORDER_CANCELLED_VERSION, orderId), data: full },
  };
}

export function orderStatusChanged(
  orderId: string,
  status: OrderStatus,
  sequence: number,
): OrderStatusChanged {
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    source: ORDER_STATUS_CHANGED_SOURCE,
    'detail-type': ORDER_STATUS_CHANGED_DETAIL_TYPE,
    detail: {
      metadata: metadata(`${orderId}:status:${sequence}`, ORDER_STATUS_CHANGED_VERSION, orderId),
      data: { orderId, status, sequence },
    },
  };
}

/** The data of a realistic OrderPlaced; override what a scenario needs. */
export function orderPlacedData(data: Partial<OrderPlacedData> = {}): OrderPlacedData {
  return {
    orderId: newOrderId(),
    customerId: 'cust-1',
    customerEmail: 'ada@example.com',
    customerTier: 'regular',
    channel: 'web',
    currency: 'EUR',
    total: 120,
    items: [
      { sku: 'BOOK-001', quantity: 1, unitPrice: 40 },
      { sku: 'MUG-002', quantity: 2, unitPrice: 40 },
    ],
    shippingAddress: { country: 'DE', postalCode: '10115' },
    ...data,
  };
}

/** A whole OrderPlaced event, for producers that bypass the publisher. */
export function orderPlaced(data: Partial<OrderPlacedData> = {}): OrderPlaced {
  const full = orderPlacedData(data);
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    source: ORDER_PLACED_SOURCE,
    'detail-type': ORDER_PLACED_DETAIL_TYPE,
    detail: {
      metadata: metadata(`${full.orderId}:placed`, ORDER_PLACED_VERSION, full.orderId),
      data: full,
    },
  };
}

/** A publish request for an OrderPlaced (the business key: one placement per order). */
export function placeOrder(
  data: Partial<OrderPlacedData> = {},
): PublishRequest<typeof OrderPlacedDataSchema> {
  const full = orderPlacedData(data);
  return { contract: OrderPlacedContract, data: full, idempotencyKey: `${full.orderId}:placed` };
}

/** A publish request for an OrderConfirmed, as the saga would send it. */
export function confirmOrder(
  data: Partial<OrderConfirmedData> = {},
): PublishRequest<typeof OrderConfirmedDataSchema> {
  const full = orderConfirmed(data).detail.data;
  return { contract: OrderConfirmedContract, data: full, idempotencyKey: `${full.orderId}:confirmed` };
}

/** A publish request for an OrderCancelled, as the saga would send it. */
export function cancelOrder(
  data: Partial<OrderCancelledData> = {},
): PublishRequest<typeof OrderCancelledDataSchema> {
  const full = orderCancelled(data).detail.data;
  return { contract: OrderCancelledContract, data: full, idempotencyKey: `${full.orderId}:cancelled` };
}

/**
 * An order's domain events up to confirmation, as the saga appends them: OrderPlaced (the
 * order without its payment token, which the saga never keeps), then the rest of its path.
 */
export function domainLifecycle(data: Partial<OrderPlacedData> = {}): {
  placed: OrderDomainEvent;
  reserved: OrderDomainEvent;
  rest: OrderDomainEvent[];
} {
  const { paymentToken: _, ...order } = orderPlacedData(data);
  return {
    placed: {
      type: 'OrderPlaced',
      data: { order, cause: { eventId: randomUUID(), correlationId: order.orderId } },
    },
    reserved: {
      type: 'StockReserved',
      data: { lines: order.items.map(({ sku, quantity }) => ({ sku, quantity })) },
    },
    rest: [
      { type: 'PaymentAuthorized', data: { amount: order.total, currency: order.currency } },
      { type: 'ShipmentCreated', data: { country: order.shippingAddress.country } },
      { type: 'OrderConfirmed', data: {} },
    ],
  };
}
