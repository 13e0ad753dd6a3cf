import type { OrderDomainEvent } from '../../contracts/domain/order-events.js';
import type { SagaOrder } from '../../contracts/saga-state.js';

/**
 * The Order aggregate: its state is a pure fold of its domain events. `applyOrderEvent`
 * refuses an event that cannot follow the ones before it, so the store never records an
 * impossible history (a reservation after its release, a confirmation without a shipment).
 */

/** Where a step stands: not yet, done, refused, or undone (an undo also bars a late do). */
export type StepState = 'NONE' | 'DONE' | 'REFUSED' | 'UNDONE';

export type OrderOutcome =
  | { readonly status: 'CONFIRMED' }
  | { readonly status: 'CANCELLED'; readonly step: string; readonly reason: string };

export interface OrderState {
  readonly orderId: string;
  /** Events applied so far; the version of the last one. */
  readonly version: number;
  readonly order?: SagaOrder;
  /** The OrderPlaced integration event the order's outcome events name as their cause. */
  readonly cause?: { readonly eventId: string; readonly correlationId: string };
  readonly stock: StepState;
  readonly reservedLines: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
  readonly payment: StepState;
  readonly shipment: StepState;
  /** The confirmation was barred (ConfirmOrder faulted for good before it landed). */
  readonly confirmationBarred: boolean;
  readonly outcome?: OrderOutcome;
}

export class InvalidTransitionError extends Error {
  override readonly name = 'InvalidTransitionError';
  constructor(
    readonly orderId: string,
    readonly eventType: string,
    why: string,
  ) {
    super(`order ${orderId}: ${eventType} cannot be applied: ${why}`);
  }
}

export const initialOrder = (orderId: string): OrderState => ({
  orderId,
  version: 0,
  stock: 'NONE',
  reservedLines: [],
  payment: 'NONE',
  shipment: 'NONE',
  confirmationBarred: false,
});

/** The state after one more event; throws InvalidTransitionError when it cannot follow. */
export function applyOrderEvent(state: OrderState, event: OrderDomainEvent): OrderState {
  const refuse = (why: string): never => {
    throw new InvalidTransitionError(state.orderId, event.type, why);
  };
  if (event.type !== 'OrderPlaced' && !state.order) refuse('the order was never placed');
  if (state.outcome) refuse(`the order is already ${state.outcome.status}`);
  const next = { ...state, version: state.version + 1 };
  const from = (step: StepState, ...allowed: StepState[]) => {
    if (!allowed.includes(step)) refuse(`the step is ${step}`);
  };
  switch (event.type) {
    case 'OrderPlaced':
      if (state.order) refuse('the order was placed already');
      return { ...next, order: event.data.order, cause: event.data.cause };
    case 'StockReserved':
      from(state.stock, 'NONE');
      return { ...next, stock: 'DONE', reservedLines: event.data.lines };
    case 'StockRefused':
      from(state.stock, 'NONE');
      return { ...next, stock: 'REFUSED' };
    case 'StockReleased':
      from(state.stock, 'NONE', 'DONE');
      return { ...next, stock: 'UNDONE', reservedLines: [] };
    case 'PaymentAuthorized':
      from(state.payment, 'NONE');
      if (state.stock !== 'DONE') refuse('no stock is reserved');
      return { ...next, payment: 'DONE' };
    case 'PaymentDeclined':
      from(state.payment, 'NONE');
      return { ...next, payment: 'REFUSED' };
    case 'PaymentVoided':
      from(state.payment, 'NONE', 'DONE');
      return { ...next, payment: 'UNDONE' };
    case 'ShipmentCreated':
      from(state.shipment, 'NONE');
      if (state.payment !== 'DONE') refuse('no payment is authorized');
      return { ...next, shipment: 'DONE' };
    case 'ShipmentRefused':
      from(state.shipment, 'NONE');
      return { ...next, shipment: 'REFUSED' };
    case 'ShipmentCancelled':
      from(state.shipment, 'NONE', 'DONE');
      return { ...next, shipment: 'UNDONE' };
    case 'ConfirmationBarred':
      if (state.confirmationBarred) refuse('the confirmation is barred already');
      return { ...next, confirmationBarred: true };
    case 'OrderConfirmed':
      if (state.confirmationBarred) refuse('the confirmation is barred');
      if (state.stock !== 'DONE' || state.payment !== 'DONE' || state.shipment !== 'DONE')
        refuse('stock, payment and shipment are not all done');
      return { ...next, outcome: { status: 'CONFIRMED' } };
    case 'OrderCancelled':
      if ([state.stock, state.payment, state.shipment].includes('DONE'))
        refuse('a step is still done: compensate it first');
      return { ...next, outcome: { status: 'CANCELLED', step: event.data.step, reason: event.data.reason } };
  }
}

/** The state of an order from its events, oldest first (optionally from a snapshot). */
export function foldOrder(
  orderId: string,
  events: readonly OrderDomainEvent[],
  from: OrderState = initialOrder(orderId),
): OrderState {
  return events.reduce(applyOrderEvent, from);
}
