import * as z from 'zod/mini';
import { busEventSchema, idSchema } from './envelope.js';
import { ORDERS_SOURCE } from './sources.js';

/**
 * OrderStatusChanged (integration event, notification with the new state): one step of an
 * order's life. Published on the ordered (FIFO) stream with message group = orderId;
 * `sequence` increases by one per change so a consumer can refuse to go backwards.
 */
export const ORDER_STATUS_CHANGED_SOURCE = ORDERS_SOURCE;
export const ORDER_STATUS_CHANGED_DETAIL_TYPE = 'OrderStatusChanged';
export const ORDER_STATUS_CHANGED_VERSION = '1';

export const OrderStatusSchema = z.enum([
  'PLACED',
  'STOCK_RESERVED',
  'PAYMENT_AUTHORIZED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
]);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

export const OrderStatusChangedDataSchema = z.object({
  orderId: idSchema('orderId'),
  status: OrderStatusSchema,
  sequence: z.number().check(z.int(), z.positive()),
});

export const OrderStatusChangedSchema = busEventSchema(
  ORDER_STATUS_CHANGED_SOURCE,
  ORDER_STATUS_CHANGED_DETAIL_TYPE,
  ORDER_STATUS_CHANGED_VERSION,
  OrderStatusChangedDataSchema,
);
export type OrderStatusChanged = z.infer<typeof OrderStatusChangedSchema>;
