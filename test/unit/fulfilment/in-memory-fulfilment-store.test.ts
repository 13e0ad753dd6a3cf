import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryFulfilmentStore } from './in-memory-fulfilment-store.js';

// The fake stands in for EventSourcedFulfilmentStore in the step tests: these pin the semantics it
// promises, so a step test can trust what it reads back.

let store: InMemoryFulfilmentStore;

beforeEach(() => {
  store = new InMemoryFulfilmentStore();
});

const line = (sku: string, quantity: number, initial = 10) => ({ sku, quantity, initial });

describe('InMemoryFulfilmentStore.reserve', () => {
  it('takes the units of every line from the SKU’s initial stock', async () => {
    const reserved = await store.reserve('ord-1', [line('A', 2), line('B', 3, 5)]);

    expect(reserved).toBe(true);
    expect(store.stock('A')).toEqual({ available: 8, reserved: 2 });
    expect(store.stock('B')).toEqual({ available: 2, reserved: 3 });
  });

  it('reserves nothing, on any line, when one line lacks stock', async () => {
    const reserved = await store.reserve('ord-1', [line('A', 2), line('B', 6, 5)]);

    expect(reserved).toBe(false);
    expect(store.stock('A')).toBeUndefined();
    expect(store.reservation('ord-1')).toBeUndefined();
  });

  it('starts a SKU another order already reserved from what is left, not from its initial stock', async () => {
    await store.reserve('ord-1', [line('A', 4, 5)]);

    expect(await store.reserve('ord-2', [line('A', 2, 5)])).toBe(false);
    expect(await store.reserve('ord-3', [line('A', 1, 5)])).toBe(true);
  });

  it('reports success for a repeat of the same order and takes no more units', async () => {
    await store.reserve('ord-1', [line('A', 2)]);
    const repeat = await store.reserve('ord-1', [line('A', 2)]);

    expect(repeat).toBe(true);
    expect(store.stock('A')).toEqual({ available: 8, reserved: 2 });
  });

  it('refuses two lines of one SKU, as one DynamoDB transaction would', async () => {
    await expect(store.reserve('ord-1', [line('A', 1), line('A', 1)])).rejects.toThrow(/one SKU twice/);
  });
});

describe('InMemoryFulfilmentStore.release', () => {
  it('puts the units of a RESERVED reservation back and marks it RELEASED', async () => {
    await store.reserve('ord-1', [line('A', 2)]);

    expect(await store.release('ord-1')).toBe('released');
    expect(store.stock('A')).toEqual({ available: 10, reserved: 0 });
    expect(store.reservation('ord-1')?.status).toBe('RELEASED');
  });

  it('releases nothing for an order without a reservation', async () => {
    expect(await store.release('ord-1')).toBe('nothing-to-release');
  });

  it('bars a reservation that comes after a release, as the event store does', async () => {
    await store.release('ord-1');

    expect(await store.reserve('ord-1', [line('A', 2)])).toBe(false);
    expect(store.stock('A')).toBeUndefined();
  });

  it('releases nothing the second time', async () => {
    await store.reserve('ord-1', [line('A', 2)]);
    await store.release('ord-1');

    expect(await store.release('ord-1')).toBe('nothing-to-release');
    expect(store.stock('A')).toEqual({ available: 10, reserved: 0 });
  });
});

describe('InMemoryFulfilmentStore payments, shipments and orders', () => {
  it('counts payment attempts per order, from 1', async () => {
    const counts = [
      await store.countPaymentAttempt('ord-1'),
      await store.countPaymentAttempt('ord-1'),
      await store.countPaymentAttempt('ord-2'),
    ];

    expect(counts).toEqual([1, 2, 1]);
  });

  it('keeps the first authorization when it is repeated', async () => {
    await store.authorizePayment('ord-1', 120, 'EUR');
    await store.authorizePayment('ord-1', 999, 'USD');

    expect(store.payment('ord-1')).toEqual({ status: 'AUTHORIZED', amount: 120, currency: 'EUR' });
  });

  it('does not authorize a voided payment again', async () => {
    await store.authorizePayment('ord-1', 120, 'EUR');
    await store.voidPayment('ord-1');
    await store.authorizePayment('ord-1', 120, 'EUR');

    expect(store.payment('ord-1')?.status).toBe('VOIDED');
  });

  it('voids only an AUTHORIZED payment', async () => {
    await store.authorizePayment('ord-1', 120, 'EUR');

    expect(await store.voidPayment('ord-1')).toBe('voided');
    expect(await store.voidPayment('ord-1')).toBe('nothing-to-void');
    expect(await store.voidPayment('ord-never-paid')).toBe('nothing-to-void');
  });

  it('cancels only a CREATED shipment', async () => {
    await store.createShipment('ord-1', 'DE');

    expect(await store.cancelShipment('ord-1')).toBe('cancelled');
    expect(await store.cancelShipment('ord-1')).toBe('nothing-to-cancel');
    expect(await store.cancelShipment('ord-never-shipped')).toBe('nothing-to-cancel');
  });

  it('hands out copies, so a test cannot change what is stored', async () => {
    await store.createShipment('ord-1', 'DE');
    const read = store.shipment('ord-1') as { status: string };
    read.status = 'CANCELLED';

    expect(store.shipment('ord-1')?.status).toBe('CREATED');
  });
});
