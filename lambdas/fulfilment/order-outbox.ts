import { statusOf } from '../../contracts/domain/catalog.js';
import type { OrderDomainEvent } from '../../contracts/domain/order-events.js';
import type { OutboxEntry } from '../../contracts/domain/outbox.js';
import type { EventMetadata } from '../../contracts/events/envelope.js';
import {
  ORDER_CANCELLED_DETAIL_TYPE,
  ORDER_CANCELLED_SOURCE,
  ORDER_CANCELLED_VERSION,
} from '../../contracts/events/order-cancelled.js';
import {
  ORDER_CONFIRMED_DETAIL_TYPE,
  ORDER_CONFIRMED_SOURCE,
  ORDER_CONFIRMED_VERSION,
} from '../../contracts/events/order-confirmed.js';
import {
  ORDER_STATUS_CHANGED_DETAIL_TYPE,
  ORDER_STATUS_CHANGED_SOURCE,
  ORDER_STATUS_CHANGED_VERSION,
} from '../../contracts/events/order-status-changed.js';
import type { SagaOrder } from '../../contracts/saga-state.js';
import type { OrderState } from './order-aggregate.js';

/**
 * The integration events an append causes, built once when it is decided and stored with it
 * (the outbox): each has its eventId now, so every relay of it carries the same one. The
 * idempotency keys name the business fact, as the saga's publish steps did: consumers that
 * de-duplicate on them see one fact however often it arrives.
 */
export interface OutboxClock {
  now(): string;
  newId(): string;
}

/** What both outcome events carry over from the order. */
export const outcomeData = (order: SagaOrder) => ({
  orderId: order.orderId,
  customerId: order.customerId,
  customerEmail: order.customerEmail,
  total: order.total,
  currency: order.currency,
  channel: order.channel,
});

export function outboxFor(
  before: OrderState,
  events: readonly OrderDomainEvent[],
  clock: OutboxClock,
): OutboxEntry[] {
  const entries: OutboxEntry[] = [];
  let order = before.order;
  let cause = before.cause;
  for (const [i, event] of events.entries()) {
    const version = before.version + i + 1;
    if (event.type === 'OrderPlaced') ({ order, cause } = event.data);
    if (!order || !cause)
      throw new Error(`order ${before.orderId}: ${event.type} before OrderPlaced has no outbox`);
    const metadata = (idempotencyKey: string, eventVersion: string): EventMetadata => ({
      eventId: clock.newId(),
      eventVersion,
      correlationId: cause?.correlationId ?? before.orderId,
      causationId: cause?.eventId ?? before.orderId,
      occurredAt: clock.now(),
      idempotencyKey,
    });
    const outcome = outcomeData(order);
    if (event.type === 'OrderConfirmed')
      entries.push({
        destination: 'bus',
        event: {
          source: ORDER_CONFIRMED_SOURCE,
          'detail-type': ORDER_CONFIRMED_DETAIL_TYPE,
          detail: {
            metadata: metadata(`${order.orderId}:confirmed`, ORDER_CONFIRMED_VERSION),
            data: { ...outcome, itemCount: order.items.reduce((n, l) => n + l.quantity, 0) },
          },
        },
      });
    if (event.type === 'OrderCancelled')
      entries.push({
        destination: 'bus',
        event: {
          source: ORDER_CANCELLED_SOURCE,
          'detail-type': ORDER_CANCELLED_DETAIL_TYPE,
          detail: {
            metadata: metadata(`${order.orderId}:cancelled`, ORDER_CANCELLED_VERSION),
            data: { ...outcome, reason: event.data.reason },
          },
        },
      });
    const status = statusOf(event.type);
    if (status)
      entries.push({
        destination: 'status-stream',
        event: {
          source: ORDER_STATUS_CHANGED_SOURCE,
          'detail-type': ORDER_STATUS_CHANGED_DETAIL_TYPE,
          // The store's version orders the changes: the projection keeps the highest.
          detail: {
            metadata: metadata(`${order.orderId}:status:${version}`, ORDER_STATUS_CHANGED_VERSION),
            data: { orderId: order.orderId, status, sequence: version },
          },
        },
      });
  }
  return entries;
}
