import type * as z from 'zod/mini';
import type { CancellationReasonSchema } from '../../contracts/events/order-cancelled.js';
import type { SagaOrder } from '../../contracts/saga-state.js';

/** Port: the fulfilment service's own state. Every write is conditional, so repeats are safe. */
export interface FulfilmentStore {
  /** The order enters fulfilment, once; `cause` is the OrderPlaced integration event. */
  place(order: SagaOrder, cause: { eventId: string; correlationId: string }): Promise<void>;
  /** Reserve all lines at once; false when any SKU lacks stock (nothing is reserved then). */
  reserve(
    orderId: string,
    lines: ReadonlyArray<{ sku: string; quantity: number; initial: number }>,
  ): Promise<boolean>;
  /**
   * Put reserved units back; a no-op unless the order holds a reservation. Every undo below
   * also bars the action it undoes from applying later (a late write of a timed-out task).
   */
  release(orderId: string): Promise<'released' | 'nothing-to-release'>;
  /** Count one more authorization attempt; returns the count so far. */
  countPaymentAttempt(orderId: string): Promise<number>;
  authorizePayment(orderId: string, amount: number, currency: string): Promise<void>;
  voidPayment(orderId: string): Promise<'voided' | 'nothing-to-void'>;
  createShipment(orderId: string, country: string): Promise<void>;
  cancelShipment(orderId: string): Promise<'cancelled' | 'nothing-to-cancel'>;
  confirm(orderId: string): Promise<void>;
  /** Decide a confirmation whose task faulted: 'confirmed' if it landed, else bar it for good. */
  settleConfirmation(orderId: string): Promise<'confirmed' | 'abandoned'>;
  /** After the compensations: the order is cancelled at `step` for `reason`, once; its outcome events go out. */
  cancel(orderId: string, step: string, reason: z.infer<typeof CancellationReasonSchema>): Promise<void>;
}
