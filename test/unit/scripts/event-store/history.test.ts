import { describe, expect, it } from 'vitest';
import type { OrderDomainEvent } from '../../../../contracts/domain/order-events.js';
import { orderPlacedData, orderStatusChanged } from '../../../../contracts/samples.js';
import type { StoredEvent } from '../../../../lambdas/shared/event-store.js';
import { formatHistory, parseHistoryArgs } from '../../../../scripts/event-store/history.js';
import { compareProjections, statusFromEvents } from '../../../../scripts/event-store/projection.js';
import { UsageError } from '../../../../scripts/shared/usage.js';

const { paymentToken: _, ...order } = orderPlacedData({ orderId: 'ord-1' });
const stored = (
  version: number,
  event: OrderDomainEvent,
  outbox?: unknown[],
): StoredEvent<OrderDomainEvent> => ({
  aggregateId: 'ord-1',
  version,
  eventId: `e${version}`,
  occurredAt: `2026-12-03T08:00:0${version}.000Z`,
  event,
  ...(outbox ? { outbox } : {}),
});
const history = [
  stored(1, { type: 'OrderPlaced', data: { order, cause: { eventId: 'x', correlationId: 'y' } } }),
  stored(2, { type: 'StockReserved', data: { lines: [{ sku: 'MUG', quantity: 2 }] } }, [
    { destination: 'status-stream', event: orderStatusChanged('ord-1', 'STOCK_RESERVED', 2) },
  ]),
  stored(3, { type: 'PaymentDeclined', data: { reason: 'PAYMENT_DECLINED' } }),
];

describe('npm run order:history arguments', () => {
  it('takes one order id', () => {
    expect(parseHistoryArgs(['ord-1'])).toEqual({ help: false, orderId: 'ord-1' });
  });

  it.each([
    [[], /give the order id/],
    [['a', 'b'], /give one order id/],
    [['--all'], /unknown option '--all'/],
    [['x'.repeat(201)], /is not an order id: orderId must be at most 200 bytes/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseHistoryArgs(argv)).toThrow(UsageError);
    expect(() => parseHistoryArgs(argv)).toThrow(message);
  });
});

describe('the order history', () => {
  it('lists each event with its version, time, what it records and its outbox', () => {
    const text = formatHistory('ord-1', history);
    expect(text).toMatch(/^Order ord-1: 3 event\(s\)/);
    expect(text).toMatch(/2\s+2026-12-03T08:00:02.000Z\s+StockReserved\s+2× MUG\s+OrderStatusChanged/);
    expect(text).toMatch(/3\s+\S+\s+PaymentDeclined\s+PAYMENT_DECLINED/);
  });

  it('marks an outbox entry that breaks the contract with ?', () => {
    const broken = [stored(1, { type: 'StockReleased', data: {} }, [{ destination: 'bus', event: {} }])];
    expect(formatHistory('ord-1', broken)).toMatch(/1\s+\S+\s+StockReleased\s+\?/);
  });
});

describe('the rebuilt status projection', () => {
  it('keeps the status of the last event that publishes one, sequenced by its version', () => {
    expect(statusFromEvents(history)).toEqual({ status: 'STOCK_RESERVED', sequence: 2 });
  });

  it('names every order where the live projection differs, and only those', () => {
    const rebuilt = new Map([
      ['a', { status: 'SHIPPED', sequence: 4 }],
      ['b', { status: 'PLACED', sequence: 1 }],
      ['c', undefined],
    ]);
    const live = new Map([
      ['a', { status: 'SHIPPED', sequence: 4 }],
      ['b', { status: 'PLACED', sequence: 1 }],
    ]);
    live.set('b', { status: 'STOCK_RESERVED', sequence: 2 });
    expect(compareProjections(rebuilt, live)).toEqual([
      {
        orderId: 'b',
        rebuilt: { status: 'PLACED', sequence: 1 },
        live: { status: 'STOCK_RESERVED', sequence: 2 },
      },
    ]);
  });
});
