import { beforeEach, describe, expect, it } from 'vitest';
import type { SagaInput, SagaOrder } from '../../../contracts/saga-state.js';
import { DEFAULT_STOCK, PAYMENT_TOKENS } from '../../../lambdas/fulfilment/simulation.js';
import {
  authorizePayment,
  cancelOrder,
  cancelShipment,
  confirmOrder,
  createShipment,
  releaseStock,
  reserveStock,
  settleOrder,
  voidPayment,
} from '../../../lambdas/fulfilment/steps.js';
import { TransientError } from '../../../lambdas/shared/errors.js';
import { compensatedState, sagaInput } from '../support/orders.js';
import { InMemoryFulfilmentStore, InMemoryPaymentTokenVault } from './in-memory-fulfilment-store.js';

const ORDER = 'ord-7c1e9a42';
const OK = { outcome: 'OK' };
const declined = (reason: string) => ({ outcome: 'DECLINED', reason });

let store: InMemoryFulfilmentStore;
let vault: InMemoryPaymentTokenVault;

beforeEach(() => {
  store = new InMemoryFulfilmentStore();
  vault = new InMemoryPaymentTokenVault();
});

/** The saga input of an order paid with `token`: the token in the vault, its reference in the order. */
async function paying(token: string, overrides: Partial<SagaOrder> = {}): Promise<SagaInput> {
  const input = sagaInput(overrides);
  const paymentTokenRef = await vault.deposit(input.order.orderId, token);
  return { ...input, order: { ...input.order, paymentTokenRef } };
}

/** Units left of a SKU that starts with DEFAULT_STOCK (untouched counts as full). */
const available = (sku: string) => store.stock(sku)?.available ?? DEFAULT_STOCK;

describe('reserveStock', () => {
  it('returns OK and takes each line’s units from stock', async () => {
    const result = await reserveStock(
      sagaInput({
        items: [
          { sku: 'BOOK-001', quantity: 1, unitPrice: 40 },
          { sku: 'MUG-002', quantity: 2, unitPrice: 40 },
        ],
      }),
      store,
    );

    expect(result).toEqual(OK);
    expect(available('BOOK-001')).toBe(DEFAULT_STOCK - 1);
    expect(available('MUG-002')).toBe(DEFAULT_STOCK - 2);
  });

  it('records a RESERVED reservation for the order', async () => {
    await reserveStock(sagaInput(), store);

    expect(store.reservation(ORDER)?.status).toBe('RESERVED');
  });

  it('declines OUT_OF_STOCK for a SOLDOUT- line', async () => {
    const result = await reserveStock(
      sagaInput({ items: [{ sku: 'SOLDOUT-LAMP', quantity: 1, unitPrice: 10 }] }),
      store,
    );

    expect(result).toEqual(declined('OUT_OF_STOCK'));
  });

  it('reserves none of the other lines when one line is SOLDOUT-', async () => {
    await reserveStock(
      sagaInput({
        items: [
          { sku: 'BOOK-001', quantity: 1, unitPrice: 40 },
          { sku: 'SOLDOUT-LAMP', quantity: 1, unitPrice: 10 },
        ],
      }),
      store,
    );

    expect(available('BOOK-001')).toBe(DEFAULT_STOCK);
    expect(store.reservation(ORDER)).toBeUndefined();
  });

  it('declines OUT_OF_STOCK when a STOCK2- SKU is asked for 3 units', async () => {
    const result = await reserveStock(
      sagaInput({ items: [{ sku: 'STOCK2-CHAIR', quantity: 3, unitPrice: 10 }] }),
      store,
    );

    expect(result).toEqual(declined('OUT_OF_STOCK'));
  });

  it('reserves none of the other lines when a STOCK2- line asks for 3 units', async () => {
    await reserveStock(
      sagaInput({
        items: [
          { sku: 'BOOK-001', quantity: 1, unitPrice: 40 },
          { sku: 'STOCK2-CHAIR', quantity: 3, unitPrice: 10 },
        ],
      }),
      store,
    );

    expect(available('BOOK-001')).toBe(DEFAULT_STOCK);
    expect(store.stock('STOCK2-CHAIR')?.reserved ?? 0).toBe(0);
  });

  it('reserves all the units of a STOCK2- SKU, and declines the next order for it', async () => {
    const first = await reserveStock(
      sagaInput({ orderId: 'ord-first', items: [{ sku: 'STOCK2-CHAIR', quantity: 2, unitPrice: 10 }] }),
      store,
    );
    const second = await reserveStock(
      sagaInput({ orderId: 'ord-second', items: [{ sku: 'STOCK2-CHAIR', quantity: 1, unitPrice: 10 }] }),
      store,
    );

    expect([first, second]).toEqual([OK, declined('OUT_OF_STOCK')]);
  });

  it('sums two lines of the same SKU into one reservation', async () => {
    await reserveStock(
      sagaInput({
        items: [
          { sku: 'MUG-002', quantity: 2, unitPrice: 40 },
          { sku: 'MUG-002', quantity: 3, unitPrice: 40 },
        ],
      }),
      store,
    );

    expect(store.stock('MUG-002')).toEqual({ available: DEFAULT_STOCK - 5, reserved: 5 });
  });

  it('declines when two lines of a STOCK3- SKU together ask for more than 3 units', async () => {
    const result = await reserveStock(
      sagaInput({
        items: [
          { sku: 'STOCK3-DESK', quantity: 2, unitPrice: 100 },
          { sku: 'STOCK3-DESK', quantity: 2, unitPrice: 100 },
        ],
      }),
      store,
    );

    expect(result).toEqual(declined('OUT_OF_STOCK'));
  });

  it('returns OK again for a repeat after success', async () => {
    await reserveStock(sagaInput(), store);

    expect(await reserveStock(sagaInput(), store)).toEqual(OK);
  });

  it('does not reserve twice for a repeat after success', async () => {
    await reserveStock(sagaInput(), store);
    await reserveStock(sagaInput(), store);

    expect(available('MUG-002')).toBe(DEFAULT_STOCK - 2);
  });
});

describe('releaseStock', () => {
  it('puts the reserved units back', async () => {
    await reserveStock(sagaInput(), store);

    const result = await releaseStock(sagaInput(), store);

    expect(result).toEqual({ released: true });
    expect(available('BOOK-001')).toBe(DEFAULT_STOCK);
    expect(available('MUG-002')).toBe(DEFAULT_STOCK);
  });

  it('puts the units back only once: a second call releases nothing', async () => {
    await reserveStock(sagaInput(), store);
    await releaseStock(sagaInput(), store);

    const second = await releaseStock(sagaInput(), store);

    expect(second).toEqual({ released: false });
    expect(available('MUG-002')).toBe(DEFAULT_STOCK);
  });

  it('releases nothing for an order whose reservation was declined', async () => {
    await reserveStock(sagaInput({ items: [{ sku: 'STOCK1-VASE', quantity: 2, unitPrice: 10 }] }), store);

    expect(await releaseStock(sagaInput(), store)).toEqual({ released: false });
  });
});

describe('authorizePayment', () => {
  it('returns OK and authorizes the order’s total without a payment token', async () => {
    const result = await authorizePayment(sagaInput({ total: 120, currency: 'EUR' }), store, vault);

    expect(result).toEqual(OK);
    expect(store.payment(ORDER)).toEqual({ status: 'AUTHORIZED', amount: 120, currency: 'EUR' });
  });

  it('returns OK for an ordinary payment token', async () => {
    expect(await authorizePayment(await paying(PAYMENT_TOKENS.default), store, vault)).toEqual(OK);
  });

  it('declines PAYMENT_DECLINED for tok_declined', async () => {
    const result = await authorizePayment(await paying('tok_declined'), store, vault);

    expect(result).toEqual(declined('PAYMENT_DECLINED'));
  });

  it('authorizes nothing for tok_declined', async () => {
    await authorizePayment(await paying('tok_declined'), store, vault);

    expect(store.payment(ORDER)).toBeUndefined();
  });

  it('throws a TransientError on the first attempt with tok_flaky', async () => {
    await expect(authorizePayment(await paying('tok_flaky'), store, vault)).rejects.toBeInstanceOf(
      TransientError,
    );
  });

  it('throws a TransientError on the second attempt with tok_flaky too, authorizing nothing', async () => {
    const flaky = await paying('tok_flaky');
    await authorizePayment(flaky, store, vault).catch(() => undefined);

    await expect(authorizePayment(flaky, store, vault)).rejects.toBeInstanceOf(TransientError);
    expect(store.payment(ORDER)).toBeUndefined();
  });

  it('succeeds on the third attempt with tok_flaky', async () => {
    const flaky = await paying('tok_flaky');
    await authorizePayment(flaky, store, vault).catch(() => undefined);
    await authorizePayment(flaky, store, vault).catch(() => undefined);

    const third = await authorizePayment(flaky, store, vault);

    expect(third).toEqual(OK);
    expect(store.payment(ORDER)?.status).toBe('AUTHORIZED');
  });

  it('redeems the token by its reference: the saga input carries no token', async () => {
    const input = await paying('tok_declined');

    expect(JSON.stringify(input)).not.toContain('tok_declined');
    expect(await authorizePayment(input, store, vault)).toEqual(declined('PAYMENT_DECLINED'));
  });

  it('throws when the vault has nothing behind the reference, so the saga retries then compensates', async () => {
    const input = sagaInput();
    const lost = { ...input, order: { ...input.order, paymentTokenRef: 'ptr_unknown' } };

    await expect(authorizePayment(lost, store, vault)).rejects.toThrow(
      /no payment token behind reference ptr_unknown/,
    );
    expect(store.payment(ORDER)).toBeUndefined();
  });

  it('counts tok_flaky attempts per order, so another order starts failing afresh', async () => {
    const first = await paying('tok_flaky', { orderId: 'ord-flaky-1' });
    for (let attempt = 1; attempt <= 3; attempt++)
      await authorizePayment(first, store, vault).catch(() => undefined);

    await expect(
      authorizePayment(await paying('tok_flaky', { orderId: 'ord-flaky-2' }), store, vault),
    ).rejects.toBeInstanceOf(TransientError);
  });
});

describe('voidPayment', () => {
  it('voids an authorized payment', async () => {
    await authorizePayment(sagaInput(), store, vault);

    const result = await voidPayment(sagaInput(), store);

    expect(result).toEqual({ voided: true });
    expect(store.payment(ORDER)?.status).toBe('VOIDED');
  });

  it('voids nothing when no payment was authorized', async () => {
    await authorizePayment(await paying('tok_declined'), store, vault);

    expect(await voidPayment(sagaInput(), store)).toEqual({ voided: false });
  });

  it('voids nothing the second time', async () => {
    await authorizePayment(sagaInput(), store, vault);
    await voidPayment(sagaInput(), store);

    expect(await voidPayment(sagaInput(), store)).toEqual({ voided: false });
  });
});

describe('createShipment', () => {
  it('returns OK and creates a shipment to the order’s country', async () => {
    const result = await createShipment(
      sagaInput({ shippingAddress: { country: 'FR', postalCode: '75001' } }),
      store,
    );

    expect(result).toEqual(OK);
    expect(store.shipment(ORDER)).toEqual({ status: 'CREATED', country: 'FR' });
  });

  it('declines SHIPPING_UNAVAILABLE for country AQ and creates no shipment', async () => {
    const result = await createShipment(
      sagaInput({ shippingAddress: { country: 'AQ', postalCode: 'BIQQ 1ZZ' } }),
      store,
    );

    expect(result).toEqual(declined('SHIPPING_UNAVAILABLE'));
    expect(store.shipment(ORDER)).toBeUndefined();
  });
});

describe('cancelShipment', () => {
  it('cancels a created shipment', async () => {
    await createShipment(sagaInput(), store);

    const result = await cancelShipment(sagaInput(), store);

    expect(result).toEqual({ cancelled: true });
    expect(store.shipment(ORDER)?.status).toBe('CANCELLED');
  });

  it('cancels nothing when no shipment was created', async () => {
    expect(await cancelShipment(sagaInput(), store)).toEqual({ cancelled: false });
  });

  it('cancels nothing the second time', async () => {
    await createShipment(sagaInput(), store);
    await cancelShipment(sagaInput(), store);

    expect(await cancelShipment(sagaInput(), store)).toEqual({ cancelled: false });
  });
});

describe('confirmOrder', () => {
  it('returns OK and confirms the order', async () => {
    const result = await confirmOrder(sagaInput(), store);

    expect(result).toEqual(OK);
    expect(store.isConfirmed(ORDER)).toBe(true);
  });

  it('throws for customer cust-unavailable, a technical fault rather than a business outcome', async () => {
    await expect(confirmOrder(sagaInput({ customerId: 'cust-unavailable' }), store)).rejects.toThrow(
      /unavailable/,
    );
  });

  it('confirms nothing for customer cust-unavailable', async () => {
    await confirmOrder(sagaInput({ customerId: 'cust-unavailable' }), store).catch(() => undefined);

    expect(store.isConfirmed(ORDER)).toBe(false);
  });
});

describe('cancelOrder', () => {
  it('cancels the order once, at the step and for the reason the saga stopped for', async () => {
    const state = compensatedState('PAYMENT_DECLINED', {}, 'AuthorizePayment');

    await cancelOrder(state, store);
    await cancelOrder(compensatedState('SHIPPING_UNAVAILABLE', {}, 'CreateShipment'), store);

    expect(store.cancellation(ORDER)).toEqual({ step: 'AuthorizePayment', reason: 'PAYMENT_DECLINED' });
  });

  it('gives a reason it does not know as TECHNICAL_FAILURE', async () => {
    await cancelOrder(compensatedState('States.Timeout', {}, 'ConfirmOrder'), store);

    expect(store.cancellation(ORDER)?.reason).toBe('TECHNICAL_FAILURE');
  });
});

describe('settleOrder', () => {
  it('returns OK when the confirmation had landed', async () => {
    await confirmOrder(sagaInput(), store);

    expect(await settleOrder(sagaInput(), store)).toEqual({ outcome: 'OK' });
  });

  it('returns ABANDONED with TECHNICAL_FAILURE when it had not', async () => {
    expect(await settleOrder(sagaInput(), store)).toEqual({
      outcome: 'ABANDONED',
      reason: 'TECHNICAL_FAILURE',
    });
  });

  it('bars a late confirmation after abandoning', async () => {
    await settleOrder(sagaInput(), store);
    await confirmOrder(sagaInput(), store);

    expect(store.isConfirmed(ORDER)).toBe(false);
  });
});

describe('compensations with nothing to undo', () => {
  it('releaseStock bars a late reservation', async () => {
    await releaseStock(sagaInput(), store);
    await reserveStock(sagaInput(), store);

    expect(store.reservation(ORDER)?.status).toBe('RELEASED');
  });

  it('voidPayment bars a late authorization', async () => {
    await voidPayment(sagaInput(), store);
    await authorizePayment(sagaInput(), store, vault);

    expect(store.payment(ORDER)?.status).toBe('VOIDED');
  });

  it('cancelShipment bars a late shipment', async () => {
    await cancelShipment(sagaInput(), store);
    await createShipment(sagaInput(), store);

    expect(store.shipment(ORDER)?.status).toBe('CANCELLED');
  });
});
