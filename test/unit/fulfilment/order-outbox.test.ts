import { describe, expect, it } from 'vitest';
import type { OrderDomainEvent } from '../../../contracts/domain/order-events.js';
import { OutboxEntrySchema } from '../../../contracts/domain/outbox.js';
import { orderPlacedData } from '../../../contracts/samples.js';
import { foldOrder, initialOrder } from '../../../lambdas/fulfilment/order-aggregate.js';
import { outboxFor } from '../../../lambdas/fulfilment/order-outbox.js';

const { paymentToken: _, ...order } = orderPlacedData({ orderId: 'ord-1' });
const placed: OrderDomainEvent = {
  type: 'OrderPlaced',
  data: { order, cause: { eventId: 'evt-0', correlationId: 'corr-1' } },
};
let n = 0;
const clock = { now: () => '2026-12-03T08:00:00.000Z', newId: () => `id-${++n}` };

describe('the outbox of an append', () => {
  it('publishes a status change per lifecycle step, sequenced by the store version', () => {
    const entries = outboxFor(
      initialOrder('ord-1'),
      [placed, { type: 'StockReserved', data: { lines: [{ sku: 'MUG', quantity: 1 }] } }],
      clock,
    );
    expect(entries.map((e) => e.event.detail.data)).toEqual([
      { orderId: 'ord-1', status: 'PLACED', sequence: 1 },
      { orderId: 'ord-1', status: 'STOCK_RESERVED', sequence: 2 },
    ]);
    for (const e of entries) expect(OutboxEntrySchema.safeParse(e).success).toBe(true);
  });

  it("puts OrderCancelled on the bus and CANCELLED on the stream, caused by the order's OrderPlaced", () => {
    const before = foldOrder('ord-1', [placed]);
    const [bus, status] = outboxFor(
      before,
      [{ type: 'OrderCancelled', data: { step: 'ReserveStock', reason: 'OUT_OF_STOCK' } }],
      clock,
    );
    expect(bus).toMatchObject({
      destination: 'bus',
      event: {
        'detail-type': 'OrderCancelled',
        detail: {
          metadata: { idempotencyKey: 'ord-1:cancelled', causationId: 'evt-0', correlationId: 'corr-1' },
          data: { reason: 'OUT_OF_STOCK' },
        },
      },
    });
    expect(status).toMatchObject({
      destination: 'status-stream',
      event: { detail: { data: { status: 'CANCELLED', sequence: 2 } } },
    });
  });

  it('writes nothing for refusals and compensations', () => {
    const before = foldOrder('ord-1', [placed]);
    expect(outboxFor(before, [{ type: 'StockRefused', data: { reason: 'OUT_OF_STOCK' } }], clock)).toEqual(
      [],
    );
  });

  it('refuses to build an outbox for an order that was never placed', () => {
    expect(() => outboxFor(initialOrder('ord-1'), [{ type: 'OrderConfirmed', data: {} }], clock)).toThrow(
      /before OrderPlaced/,
    );
  });
});

describe('the OrderConfirmed an order confirmation writes', () => {
  const lines = [
    { sku: 'BOOK-001', quantity: 1, unitPrice: 10 },
    { sku: 'MUG-002', quantity: 2, unitPrice: 10 },
    { sku: 'MUG-002', quantity: 4, unitPrice: 10 },
  ];
  const big: OrderDomainEvent = {
    type: 'OrderPlaced',
    data: {
      order: { ...order, items: lines, total: 70, channel: 'partner-acme', currency: 'GBP' },
      cause: { eventId: 'evt-0', correlationId: 'corr-1' },
    },
  };
  const [confirmed] = outboxFor(foldOrder('ord-1', [big]), [{ type: 'OrderConfirmed', data: {} }], clock);

  it('is keyed `<orderId>:confirmed` and caused by the OrderPlaced, in its correlation', () => {
    expect(confirmed?.event.detail.metadata).toMatchObject({
      idempotencyKey: 'ord-1:confirmed',
      causationId: 'evt-0',
      correlationId: 'corr-1',
    });
  });

  it("carries the order's customer, total, currency and channel, and counts items by summing the lines", () => {
    expect(confirmed?.event.detail.data).toEqual({
      orderId: 'ord-1',
      customerId: order.customerId,
      customerEmail: order.customerEmail,
      total: 70,
      currency: 'GBP',
      channel: 'partner-acme',
      itemCount: 7,
    });
  });
});
