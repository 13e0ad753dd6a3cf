import * as z from 'zod/mini';
import { OrderCancelledSchema } from '../events/order-cancelled.js';
import { OrderConfirmedSchema } from '../events/order-confirmed.js';
import { OrderStatusChangedSchema } from '../events/order-status-changed.js';
import type { OutboxEntry } from './outbox.js';

/** The Kafka topic the outbox relay appends every integration event of an order to. */
export const ORDER_LOG_TOPIC = 'orders.events';

/**
 * The value of a record on the order log: one integration event, exactly as it left the
 * outbox (the same eventId and idempotency key as its copy on the bus or the status stream),
 * as JSON. The key is the orderId, so an order's events share a partition and keep their order.
 */
export const OrderLogEventSchema = z.discriminatedUnion('detail-type', [
  OrderConfirmedSchema,
  OrderCancelledSchema,
  OrderStatusChangedSchema,
]);
export type OrderLogEvent = z.infer<typeof OrderLogEventSchema>;

/** The record key of the order log: the orderId, as a string. */
export const OrderLogKeySchema = z.string().check(z.minLength(1));

/** Headers every record carries, so a reader can route without parsing the value. */
export const ORDER_LOG_HEADERS = { detailType: 'detail-type', eventId: 'event-id' } as const;

export interface OrderLogRecord {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/** The record that carries one outbox entry's event on the order log. */
export function orderLogRecord(entry: OutboxEntry): OrderLogRecord {
  const { event } = entry;
  return {
    key: event.detail.data.orderId,
    value: JSON.stringify(event),
    headers: {
      [ORDER_LOG_HEADERS.detailType]: event['detail-type'],
      [ORDER_LOG_HEADERS.eventId]: event.detail.metadata.eventId,
    },
  };
}
