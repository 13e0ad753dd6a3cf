import * as z from 'zod/mini';
import { AmountSchema, busEventSchema, CurrencySchema, idSchema } from './envelope.js';
import { ORDERS_SOURCE } from './sources.js';

/**
 * OrderPlaced (integration event, event-carried state transfer): a customer placed an order.
 * Starts the fulfilment saga; carries everything fraud review, partner channels and
 * analytics route on, so none of them calls back into the order service.
 */
export const ORDER_PLACED_SOURCE = ORDERS_SOURCE;
export const ORDER_PLACED_DETAIL_TYPE = 'OrderPlaced';
export const ORDER_PLACED_VERSION = '1';

export const OrderLineSchema = z.object({
  sku: idSchema('sku'),
  quantity: z.number().check(z.int(), z.positive()),
  unitPrice: AmountSchema,
});

export const CustomerTierSchema = z.enum(['new', 'regular', 'vip']);

export const OrderPlacedDataSchema = z.object({
  orderId: idSchema('orderId'),
  customerId: idSchema('customerId'),
  customerEmail: z.email(),
  customerTier: CustomerTierSchema,
  /** Sales channel: `web`, `mobile`, `partner-<name>`, or `test` for synthetic traffic. */
  channel: z.string().check(z.minLength(1)),
  currency: CurrencySchema,
  total: AmountSchema,
  items: z.array(OrderLineSchema).check(z.minLength(1)),
  shippingAddress: z.object({
    country: z.string().check(z.regex(/^[A-Z]{2}$/, 'country must be ISO 3166-1 alpha-2')),
    postalCode: z.string().check(z.minLength(1)),
  }),
  /** Present only when the customer used one. */
  couponCode: z.optional(z.string().check(z.minLength(1))),
  /** The payment provider's token for the customer's payment method. */
  paymentToken: z.optional(z.string().check(z.minLength(1))),
});

export const OrderPlacedSchema = busEventSchema(
  ORDER_PLACED_SOURCE,
  ORDER_PLACED_DETAIL_TYPE,
  ORDER_PLACED_VERSION,
  OrderPlacedDataSchema,
);
export type OrderPlaced = z.infer<typeof OrderPlacedSchema>;
export type OrderPlacedData = z.infer<typeof OrderPlacedDataSchema>;
