import * as z from 'zod/mini';
import { AmountSchema, busEventSchema, CurrencySchema, idSchema } from './envelope.js';
import { ORDERS_SOURCE } from './sources.js';

/**
 * OrderConfirmed (integration event, event-carried state transfer): the saga completed and
 * the order will ship. Carries what notification, loyalty and analytics consumers need so
 * they never call back into the order service.
 */
export const ORDER_CONFIRMED_SOURCE = ORDERS_SOURCE;
export const ORDER_CONFIRMED_DETAIL_TYPE = 'OrderConfirmed';
export const ORDER_CONFIRMED_VERSION = '1';

export const OrderConfirmedDataSchema = z.object({
  orderId: idSchema('orderId'),
  customerId: idSchema('customerId'),
  customerEmail: z.email(),
  total: AmountSchema,
  currency: CurrencySchema,
  /** Sales channel, e.g. `web`, `mobile`, `partner-acme`, `test`. */
  channel: z.string().check(z.minLength(1)),
  itemCount: z.number().check(z.int(), z.positive()),
});

export const OrderConfirmedSchema = busEventSchema(
  ORDER_CONFIRMED_SOURCE,
  ORDER_CONFIRMED_DETAIL_TYPE,
  ORDER_CONFIRMED_VERSION,
  OrderConfirmedDataSchema,
);
export type OrderConfirmed = z.infer<typeof OrderConfirmedSchema>;
export type OrderConfirmedData = z.infer<typeof OrderConfirmedDataSchema>;
