import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OrderDomainEvent } from '../../contracts/domain/order-events.js';
import { OrderDomainEventSchema } from '../../contracts/domain/order-events.js';
import { orderPlacedData } from '../../contracts/samples.js';
import { applyOrderEvent, initialOrder, type OrderState } from '../../lambdas/fulfilment/order-aggregate.js';
import { appendWithRetry, ConcurrencyError, EventStoreClient } from '../../lambdas/shared/event-store.js';
import { documents, EVENT_STORE_KEYS, scratchTable } from './scratch-tables.js';

// The event store against the emulator's DynamoDB (real conditional writes and transactions),
// on a table of its own shaped as the EventStore pattern makes it.
const tableName = scratchTable('event-store-test', EVENT_STORE_KEYS);

const store = (snapshotEvery = 0) =>
  new EventStoreClient<OrderDomainEvent, OrderState>(documents, {
    tableName,
    schema: OrderDomainEventSchema,
    fold: { initial: initialOrder, apply: applyOrderEvent },
    snapshotEvery,
  });

const { paymentToken: _, ...order } = orderPlacedData();
const placed = (orderId: string): OrderDomainEvent => ({
  type: 'OrderPlaced',
  data: { order: { ...order, orderId }, cause: { eventId: `placed-${orderId}`, correlationId: orderId } },
});

describe('the event store on DynamoDB', () => {
  it('gives 20 concurrent writers one winner per version, no gaps, and a state that agrees with the events', async () => {
    const orderId = `es-${randomUUID().slice(0, 8)}`;
    const events = store(5);
    await events.append({ aggregateId: orderId, expectedVersion: 0, events: [placed(orderId)] });
    // Each writer records one compensation-like fact the fold allows once: only the first of
    // each kind can win, so a loser's retry must see the winner's event and append nothing.
    const kinds = ['StockReleased', 'PaymentVoided', 'ShipmentCancelled'] as const;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const kind = kinds[i % kinds.length] ?? 'StockReleased';
        const done = {
          StockReleased: 'stock',
          PaymentVoided: 'payment',
          ShipmentCancelled: 'shipment',
        } as const;
        return appendWithRetry(
          events,
          orderId,
          (loaded) =>
            loaded.state[done[kind]] === 'UNDONE' ? undefined : { events: [{ type: kind, data: {} }] },
          { maxAttempts: 25 },
        );
      }),
    );
    const winners = results.filter((r) => r.appended === 1).map((r) => r.version);
    expect(winners.sort((a, b) => a - b)).toEqual([2, 3, 4]); // one winner per version
    expect(results.filter((r) => r.appended === 0)).toHaveLength(17);
    const loaded = await events.load(orderId);
    expect(loaded.version).toBe(4);
    expect(loaded.state).toMatchObject({ stock: 'UNDONE', payment: 'UNDONE', shipment: 'UNDONE' });
    const all = await store().load(orderId);
    expect(all.events.map((e) => e.version)).toEqual([1, 2, 3, 4]);
  });

  it('fails a stale append with a ConcurrencyError naming both versions, and stores nothing of it', async () => {
    const orderId = `es-${randomUUID().slice(0, 8)}`;
    const events = store();
    await events.append({
      aggregateId: orderId,
      expectedVersion: 0,
      events: [placed(orderId), { type: 'StockReleased', data: {} }],
    });
    await expect(
      events.append({
        aggregateId: orderId,
        expectedVersion: 1,
        events: [{ type: 'PaymentVoided', data: {} }],
      }),
    ).rejects.toThrow(new ConcurrencyError(orderId, 1, 2));
    expect((await events.load(orderId)).version).toBe(2);
  });
});
