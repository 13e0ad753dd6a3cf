import * as z from 'zod/mini';
import { OrderCancelledSchema } from '../events/order-cancelled.js';
import { OrderConfirmedSchema } from '../events/order-confirmed.js';
import { OrderStatusChangedSchema } from '../events/order-status-changed.js';

/**
 * One integration event in an append's outbox: the whole event, metadata included, so that
 * every relay of it carries the same eventId and idempotency key (downstream de-duplication
 * holds however often the stream delivers it), and where it goes.
 */
export const OutboxEntrySchema = z.discriminatedUnion('destination', [
  z.object({ destination: z.literal('bus'), event: z.union([OrderConfirmedSchema, OrderCancelledSchema]) }),
  z.object({ destination: z.literal('status-stream'), event: OrderStatusChangedSchema }),
]);
export type OutboxEntry = z.infer<typeof OutboxEntrySchema>;

/** The detail types of a stored outbox, in order; an entry that breaks the contract reads as `?`. */
export function outboxDetailTypes(outbox: readonly unknown[] | undefined): string[] {
  return (outbox ?? []).map((raw) => {
    const entry = OutboxEntrySchema.safeParse(raw);
    return entry.success ? entry.data.event['detail-type'] : '?';
  });
}
