import * as z from 'zod/mini';
import { AmountSchema, busEventSchema, CurrencySchema, idSchema } from './envelope.js';
import { ORDERS_SOURCE } from './sources.js';

/**
 * OrderCancelled (integration event, event-carried state transfer): the order will not be
 * fulfilled; `reason` says why in terms a customer-facing consumer can act on.
 */
export const ORDER_CANCELLED_SOURCE = ORDERS_SOURCE;
export const ORDER_CANCELLED_DETAIL_TYPE = 'OrderCancelled';
export const ORDER_CANCELLED_VERSION = '1';

export const CancellationReasonSchema = z.enum([
  'PAYMENT_DECLINED',
  'OUT_OF_STOCK',
  'SHIPPING_UNAVAILABLE',
  'CUSTOMER_REQUEST',
  'TECHNICAL_FAILURE',
]);

export const OrderCancelledDataSchema = z.object({
  orderId: idSchema('orderId'),
  customerId: idSchema('customerId'),
  customerEmail: z.email(),
  total: AmountSchema,
  currency: CurrencySchema,
  channel: z.string().check(z.minLength(1)),
  reason: CancellationReasonSchema,
});

export const OrderCancelledSchema = busEventSchema(
  ORDER_CANCELLED_SOURCE,
  ORDER_CANCELLED_DETAIL_TYPE,
  ORDER_CANCELLED_VERSION,
  OrderCancelledDataSchema,
);
export type OrderCancelled = z.infer<typeof OrderCancelledSchema>;
export type OrderCancelledData = z.infer<typeof OrderCancelledDataSchema>;
