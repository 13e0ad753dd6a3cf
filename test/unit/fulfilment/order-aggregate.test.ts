import { describe, expect, it } from 'vitest';
import type { OrderDomainEvent } from '../../../contracts/domain/order-events.js';
import { OrderDomainEventSchema } from '../../../contracts/domain/order-events.js';
import { orderPlacedData } from '../../../contracts/samples.js';
import { foldOrder, InvalidTransitionError } from '../../../lambdas/fulfilment/order-aggregate.js';

const { paymentToken: _, ...order } = orderPlacedData({ orderId: 'ord-1' });
const placed: OrderDomainEvent = {
  type: 'OrderPlaced',
  data: {
    order: { ...order, paymentTokenRef: 'ref-1' },
    cause: { eventId: 'evt-placed', correlationId: 'corr-1' },
  },
};
const reserved: OrderDomainEvent = { type: 'StockReserved', data: { lines: [{ sku: 'MUG', quantity: 2 }] } };
const authorized: OrderDomainEvent = { type: 'PaymentAuthorized', data: { amount: 120, currency: 'EUR' } };
const shipped: OrderDomainEvent = { type: 'ShipmentCreated', data: { country: 'DE' } };
const e = (type: OrderDomainEvent['type']) => ({ type, data: {} }) as OrderDomainEvent;

describe('the Order aggregate', () => {
  it('folds the happy path to CONFIRMED, one version per event', () => {
    const state = foldOrder('ord-1', [placed, reserved, authorized, shipped, e('OrderConfirmed')]);
    expect(state).toMatchObject({
      version: 5,
      stock: 'DONE',
      payment: 'DONE',
      shipment: 'DONE',
      outcome: { status: 'CONFIRMED' },
      reservedLines: [{ sku: 'MUG', quantity: 2 }],
    });
  });

  it('folds a refusal with its compensations to CANCELLED with the step and reason', () => {
    const state = foldOrder('ord-1', [
      placed,
      reserved,
      authorized,
      { type: 'ShipmentRefused', data: { reason: 'SHIPPING_UNAVAILABLE' } },
      e('PaymentVoided'),
      e('StockReleased'),
      { type: 'OrderCancelled', data: { step: 'CreateShipment', reason: 'SHIPPING_UNAVAILABLE' } },
    ]);
    expect(state).toMatchObject({
      version: 7,
      stock: 'UNDONE',
      payment: 'UNDONE',
      shipment: 'REFUSED',
      reservedLines: [],
      outcome: { status: 'CANCELLED', step: 'CreateShipment', reason: 'SHIPPING_UNAVAILABLE' },
    });
  });

  it('refuses a reservation after its release: a late write of a timed-out task is barred', () => {
    expect(() => foldOrder('ord-1', [placed, e('StockReleased'), reserved])).toThrow(
      new InvalidTransitionError('ord-1', 'StockReserved', 'the step is UNDONE'),
    );
  });

  it('refuses to confirm an order whose shipment was never created', () => {
    expect(() => foldOrder('ord-1', [placed, reserved, authorized, e('OrderConfirmed')])).toThrow(
      /OrderConfirmed cannot be applied: stock, payment and shipment are not all done/,
    );
  });

  it('refuses a confirmation once it is barred (a ConfirmOrder that faulted for good)', () => {
    expect(() =>
      foldOrder('ord-1', [
        placed,
        reserved,
        authorized,
        shipped,
        e('ConfirmationBarred'),
        e('OrderConfirmed'),
      ]),
    ).toThrow(/OrderConfirmed cannot be applied: the confirmation is barred/);
  });

  it('refuses to cancel while a step is still done, and anything after the outcome', () => {
    const cancel: OrderDomainEvent = {
      type: 'OrderCancelled',
      data: { step: 'X', reason: 'TECHNICAL_FAILURE' },
    };
    expect(() => foldOrder('ord-1', [placed, reserved, cancel])).toThrow(/compensate it first/);
    expect(() => foldOrder('ord-1', [placed, cancel, e('StockReleased')])).toThrow(/already CANCELLED/);
  });

  it('refuses every event before OrderPlaced, and a second OrderPlaced', () => {
    expect(() => foldOrder('ord-1', [reserved])).toThrow(/never placed/);
    expect(() => foldOrder('ord-1', [placed, placed])).toThrow(/placed already/);
  });

  it('starts from a snapshot as if it had applied the events before it', () => {
    const snapshot = foldOrder('ord-1', [placed, reserved]);
    expect(foldOrder('ord-1', [authorized], snapshot)).toEqual(
      foldOrder('ord-1', [placed, reserved, authorized]),
    );
  });

  it('has a schema that never stores a payment token, only its reference', () => {
    const withToken = {
      type: 'OrderPlaced',
      data: {
        order: { ...order, paymentTokenRef: 'ref-1', paymentToken: 'tok_visa' },
        cause: { eventId: 'e', correlationId: 'c' },
      },
    };
    const parsed = OrderDomainEventSchema.parse(withToken);
    if (parsed.type !== 'OrderPlaced') throw new Error('not an OrderPlaced');
    expect(parsed.data.order).toHaveProperty('paymentTokenRef', 'ref-1');
    expect(parsed.data.order).not.toHaveProperty('paymentToken');
  });
});
