import type { EventMetadata } from '../../../contracts/events/envelope.js';
import {
  ORDER_PLACED_DETAIL_TYPE,
  ORDER_PLACED_SOURCE,
  ORDER_PLACED_VERSION,
  type OrderPlaced,
  type OrderPlacedData,
} from '../../../contracts/events/order-placed.js';
import type { CompensatedState, SagaInput, SagaOrder } from '../../../contracts/saga-state.js';
import { orderPlacedData } from '../../../contracts/samples.js';

/**
 * Fixed, readable builders for the fulfilment saga's inputs (no random ids: a failing test names
 * the same order every run). Override what a scenario needs.
 */

/** The data of an OrderPlaced for `orderId`: two lines of ordinary SKUs, 3 units in all. */
export function orderData(overrides: Partial<OrderPlacedData> = {}): OrderPlacedData {
  return orderPlacedData({
    orderId: 'ord-7c1e9a42',
    customerId: 'cust-1042',
    customerEmail: 'ada.lovelace@example.com',
    ...overrides,
  });
}

/** The metadata of the OrderPlaced that starts the saga (its own cause: the flow's first event). */
export function placedMetadata(orderId: string, overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    eventId: '4a9e7c5b-3d1f-4b8a-9c6e-2f0d8b6a4c19',
    eventVersion: ORDER_PLACED_VERSION,
    correlationId: `corr-${orderId}`,
    causationId: '4a9e7c5b-3d1f-4b8a-9c6e-2f0d8b6a4c19',
    occurredAt: '2026-08-14T09:20:57.641Z',
    idempotencyKey: `${orderId}:placed`,
    ...overrides,
  };
}

/** What the saga starts with: `{ order, metadata }` (no payment token: see `paying` in steps.test). */
export function sagaInput(overrides: Partial<SagaOrder> = {}): SagaInput {
  const { paymentToken: _, ...order } = orderData(overrides);
  return { order, metadata: placedMetadata(order.orderId) };
}

/** The saga state after the compensations: the input plus `failure = { step, reason }`. */
export function compensatedState(
  reason: string,
  overrides: Partial<SagaOrder> = {},
  step = 'AuthorizePayment',
): CompensatedState {
  return { ...sagaInput(overrides), failure: { step, reason } };
}

/** An OrderPlaced as it arrives from the bus (through the intake queue). */
export function orderPlaced(overrides: Partial<OrderPlacedData> = {}): OrderPlaced {
  const data = orderData(overrides);
  return {
    id: '3e9a7c51-0d2b-4f6e-8a4c-b1d3f5e7a902',
    time: '2026-08-14T09:20:58Z',
    source: ORDER_PLACED_SOURCE,
    'detail-type': ORDER_PLACED_DETAIL_TYPE,
    detail: { metadata: placedMetadata(data.orderId), data },
  };
}
