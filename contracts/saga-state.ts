import * as z from 'zod/mini';
import { EventMetadataSchema } from './events/envelope.js';
import type { CancellationReasonSchema } from './events/order-cancelled.js';
import { OrderPlacedDataSchema } from './events/order-placed.js';

/**
 * The order as the saga carries it: the OrderPlaced data with its payment token swapped for a
 * reference into the payment token vault (see payment-token-vault.ts), so that no token is in
 * the saga state, the execution history or a log line.
 */
export const SagaOrderSchema = z.extend(z.omit(OrderPlacedDataSchema, { paymentToken: true }), {
  paymentTokenRef: z.optional(z.string().check(z.minLength(1))),
});
export type SagaOrder = z.infer<typeof SagaOrderSchema>;

/** What the saga starts with: the order and the metadata of the OrderPlaced that caused it. */
export const SagaInputSchema = z.looseObject({
  order: SagaOrderSchema,
  metadata: EventMetadataSchema,
});
export type SagaInput = z.infer<typeof SagaInputSchema>;

/** What a step returns: `OK`, or a business outcome the saga branches on. */
export type StepResult =
  | { outcome: 'OK' }
  | { outcome: 'DECLINED' | 'ABANDONED'; reason: z.infer<typeof CancellationReasonSchema> };

export const OK: StepResult = { outcome: 'OK' };
export const declined = (reason: z.infer<typeof CancellationReasonSchema>): StepResult => ({
  outcome: 'DECLINED',
  reason,
});

/** After the compensations the saga adds which step failed and why. */
export const CompensatedStateSchema = z.extend(SagaInputSchema, {
  failure: z.looseObject({ step: z.string(), reason: z.string() }),
});
export type CompensatedState = z.infer<typeof CompensatedStateSchema>;

/**
 * What an order saga's output says: `{ outcome: 'CONFIRMED' }`, or `{ outcome: 'CANCELLED',
 * step, reason }`. A cancelled order is a business outcome, so both end the execution SUCCEEDED.
 */
export const ORDER_SAGA_OUTCOMES = { completed: 'CONFIRMED', compensated: 'CANCELLED' } as const;
