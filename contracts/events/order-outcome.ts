import * as z from 'zod/mini';
import { OrderCancelledSchema } from './order-cancelled.js';
import { OrderConfirmedSchema } from './order-confirmed.js';

/** Either outcome of an order, as the fan-out topic delivers it. */
export const OrderOutcomeSchema = z.discriminatedUnion('detail-type', [
  OrderConfirmedSchema,
  OrderCancelledSchema,
]);
export type OrderOutcome = z.infer<typeof OrderOutcomeSchema>;
