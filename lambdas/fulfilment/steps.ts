import { CancellationReasonSchema } from '../../contracts/events/order-cancelled.js';
import {
  type CompensatedState,
  declined,
  OK,
  type SagaInput,
  type StepResult,
} from '../../contracts/saga-state.js';
import { TransientError } from '../shared/errors.js';
import type { FulfilmentStore } from './fulfilment-store.js';
import type { PaymentTokenVault } from './payment-token-vault.js';
import {
  FLAKY_FAILURES,
  initialStock,
  PAYMENT_TOKENS,
  UNAVAILABLE_CUSTOMER,
  UNSHIPPABLE_COUNTRY,
} from './simulation.js';

/** The order enters fulfilment (OrderPlaced, once), then every line's stock is reserved, all or nothing. */
export async function reserveStock(
  { order, metadata }: SagaInput,
  store: FulfilmentStore,
): Promise<StepResult> {
  await store.place(order, { eventId: metadata.eventId, correlationId: metadata.correlationId });
  const bySku = new Map<string, number>();
  for (const line of order.items) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  const lines = [...bySku].map(([sku, quantity]) => ({ sku, quantity, initial: initialStock(sku) }));
  if (lines.some((l) => l.initial === 0)) return declined('OUT_OF_STOCK');
  return (await store.reserve(order.orderId, lines)) ? OK : declined('OUT_OF_STOCK');
}

export async function releaseStock({ order }: SagaInput, store: FulfilmentStore) {
  return { released: (await store.release(order.orderId)) === 'released' };
}

/** Authorize the order's total with the token its reference redeems (none: the default card). */
export async function authorizePayment(
  { order }: SagaInput,
  store: FulfilmentStore,
  vault: PaymentTokenVault,
): Promise<StepResult> {
  const token = order.paymentTokenRef ? await vault.redeem(order.paymentTokenRef) : PAYMENT_TOKENS.default;
  // A reference the vault cannot redeem is a fault (retried, then compensated), not a refusal.
  if (token === undefined) throw new Error(`no payment token behind reference ${order.paymentTokenRef}`);
  if (token === PAYMENT_TOKENS.declined) return declined('PAYMENT_DECLINED');
  if (token === PAYMENT_TOKENS.flaky) {
    const attempt = await store.countPaymentAttempt(order.orderId);
    if (attempt <= FLAKY_FAILURES)
      throw new TransientError(`payment provider timed out (attempt ${attempt})`);
  }
  await store.authorizePayment(order.orderId, order.total, order.currency);
  return OK;
}

export async function voidPayment({ order }: SagaInput, store: FulfilmentStore) {
  return { voided: (await store.voidPayment(order.orderId)) === 'voided' };
}

export async function createShipment({ order }: SagaInput, store: FulfilmentStore): Promise<StepResult> {
  if (order.shippingAddress.country === UNSHIPPABLE_COUNTRY) return declined('SHIPPING_UNAVAILABLE');
  await store.createShipment(order.orderId, order.shippingAddress.country);
  return OK;
}

export async function cancelShipment({ order }: SagaInput, store: FulfilmentStore) {
  return { cancelled: (await store.cancelShipment(order.orderId)) === 'cancelled' };
}

export async function confirmOrder({ order }: SagaInput, store: FulfilmentStore): Promise<StepResult> {
  if (order.customerId === UNAVAILABLE_CUSTOMER) throw new Error('order store unavailable for this customer');
  await store.confirm(order.orderId);
  return OK;
}

/**
 * The pivot's settle: ConfirmOrder faulted for good, yet a timed-out attempt may still land.
 * Bars any later confirmation, unless one already landed: then the saga goes on to success.
 */
export async function settleOrder({ order }: SagaInput, store: FulfilmentStore): Promise<StepResult> {
  return (await store.settleConfirmation(order.orderId)) === 'confirmed'
    ? OK
    : { outcome: 'ABANDONED', reason: 'TECHNICAL_FAILURE' };
}

/**
 * After the compensations: the order is cancelled with the reason the saga stopped for. The
 * store writes OrderCancelled (and its status change) in its outbox, in the same transaction.
 */
export async function cancelOrder(
  state: CompensatedState,
  store: FulfilmentStore,
): Promise<{ cancelled: true }> {
  const reason = CancellationReasonSchema.safeParse(state.failure.reason);
  await store.cancel(
    state.order.orderId,
    state.failure.step,
    reason.success ? reason.data : 'TECHNICAL_FAILURE',
  );
  return { cancelled: true };
}
