import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { type OrderDomainEvent, OrderDomainEventSchema } from '../../contracts/domain/order-events.js';
import { type OutboxEntry, OutboxEntrySchema } from '../../contracts/domain/outbox.js';
import { orderPlacedData } from '../../contracts/samples.js';
import { EventSourcedFulfilmentStore } from '../../lambdas/fulfilment/event-sourced-fulfilment-store.js';
import { applyOrderEvent, initialOrder, type OrderState } from '../../lambdas/fulfilment/order-aggregate.js';
import { fulfilmentKeys } from '../../lambdas/fulfilment/stock-items.js';
import { EventStoreClient } from '../../lambdas/shared/event-store.js';
import { documents as client, EVENT_STORE_KEYS, scratchTable } from './scratch-tables.js';

// The event-sourced fulfilment store against the emulator's DynamoDB: its own event table
// (as the EventStore pattern makes it) and service table (pk/sk, for stock).
const eventsTable = scratchTable('es-fulfilment-events', EVENT_STORE_KEYS);
const serviceTable = scratchTable('es-fulfilment-service', [
  ['pk', 'S'],
  ['sk', 'S'],
]);
const run = randomUUID().slice(0, 8);

const events = new EventStoreClient<OrderDomainEvent, OrderState>(client, {
  tableName: eventsTable,
  schema: OrderDomainEventSchema,
  fold: { initial: initialOrder, apply: applyOrderEvent },
  snapshotEvery: 0,
});
const store = new EventSourcedFulfilmentStore(events, { client, tableName: serviceTable });

/** A placed order of one line of `sku`, and its id. */
async function placed(sku = `MUG-${run}`, quantity = 1) {
  const { paymentToken: _, ...data } = orderPlacedData({ orderId: `esf-${randomUUID().slice(0, 8)}` });
  const order = { ...data, items: [{ sku, quantity, unitPrice: 10 }] };
  await store.place(order, { eventId: `placed-${order.orderId}`, correlationId: `corr-${order.orderId}` });
  return { order, orderId: order.orderId, lines: [{ sku, quantity, initial: 1000 }] };
}
const history = async (orderId: string) => (await events.load(orderId)).events;
const types = async (orderId: string) => (await history(orderId)).map((e) => e.event.type);
const outbox = async (orderId: string): Promise<OutboxEntry[]> =>
  (await history(orderId)).flatMap((e) => (e.outbox ?? []).map((o) => OutboxEntrySchema.parse(o)));

describe('the event-sourced fulfilment store', () => {
  it('records the happy path as domain events, with the outcome and status changes in the outbox', async () => {
    const { orderId, lines } = await placed();
    expect(await store.reserve(orderId, lines)).toBe(true);
    await store.authorizePayment(orderId, 10, 'EUR');
    await store.createShipment(orderId, 'DE');
    await store.confirm(orderId);
    expect(await types(orderId)).toEqual([
      'OrderPlaced',
      'StockReserved',
      'PaymentAuthorized',
      'ShipmentCreated',
      'OrderConfirmed',
    ]);
    const sent = await outbox(orderId);
    expect(sent.map((o) => `${o.destination}:${o.event['detail-type']}`)).toEqual([
      'status-stream:OrderStatusChanged',
      'status-stream:OrderStatusChanged',
      'status-stream:OrderStatusChanged',
      'status-stream:OrderStatusChanged',
      'bus:OrderConfirmed',
    ]);
    const confirmed = sent.at(-1)?.event.detail.metadata;
    expect(confirmed).toMatchObject({
      idempotencyKey: `${orderId}:confirmed`,
      causationId: `placed-${orderId}`,
      correlationId: `corr-${orderId}`,
    });
  });

  it('appends nothing when a step runs again', async () => {
    const { order, orderId, lines } = await placed();
    await store.reserve(orderId, lines);
    await store.authorizePayment(orderId, 10, 'EUR');
    const before = (await events.load(orderId)).version;
    expect(await store.reserve(orderId, lines)).toBe(true);
    await store.authorizePayment(orderId, 10, 'EUR');
    await store.place(order, { eventId: 'again', correlationId: 'again' });
    expect((await events.load(orderId)).version).toBe(before);
  });

  it('takes the stock once when five attempts reserve the same order at the same time', async () => {
    const sku = `STOCK-${randomUUID().slice(0, 8)}`;
    const { orderId, lines } = await placed(sku, 2);
    const results = await Promise.all(Array.from({ length: 5 }, () => store.reserve(orderId, lines)));
    expect(results).toEqual([true, true, true, true, true]);
    expect((await types(orderId)).filter((t) => t === 'StockReserved')).toHaveLength(1);
    const stock = await client.send(
      new GetCommand({ TableName: serviceTable, Key: fulfilmentKeys.stock(sku), ConsistentRead: true }),
    );
    expect(stock.Item).toMatchObject({ available: 998, reserved: 2 });
  });

  it('records a refusal when the stock runs out, and takes nothing', async () => {
    const sku = `LAST-${randomUUID().slice(0, 8)}`;
    const first = await placed(sku);
    const second = await placed(sku);
    const one = [{ sku, quantity: 1, initial: 1 }];
    expect(await store.reserve(first.orderId, one)).toBe(true);
    expect(await store.reserve(second.orderId, one)).toBe(false);
    expect(await types(second.orderId)).toEqual(['OrderPlaced', 'StockRefused']);
    const stock = await client.send(
      new GetCommand({ TableName: serviceTable, Key: fulfilmentKeys.stock(sku), ConsistentRead: true }),
    );
    expect(stock.Item).toMatchObject({ available: 0, reserved: 1 });
  });

  it('gives the stock back on release, and bars a reservation that lands after its release', async () => {
    const sku = `BACK-${randomUUID().slice(0, 8)}`;
    const reservedThenReleased = await placed(sku);
    await store.reserve(reservedThenReleased.orderId, reservedThenReleased.lines);
    expect(await store.release(reservedThenReleased.orderId)).toBe('released');
    const stock = await client.send(
      new GetCommand({ TableName: serviceTable, Key: fulfilmentKeys.stock(sku), ConsistentRead: true }),
    );
    expect(stock.Item).toMatchObject({ available: 1000, reserved: 0 });

    const late = await placed(sku);
    expect(await store.release(late.orderId)).toBe('nothing-to-release');
    expect(await store.reserve(late.orderId, late.lines)).toBe(false);
    expect(await types(late.orderId)).toEqual(['OrderPlaced', 'StockReleased']);
  });

  it('settles a faulted confirmation: barred when it had not landed, confirmed when it had', async () => {
    const barred = await placed();
    await store.reserve(barred.orderId, barred.lines);
    await store.authorizePayment(barred.orderId, 10, 'EUR');
    await store.createShipment(barred.orderId, 'DE');
    expect(await store.settleConfirmation(barred.orderId)).toBe('abandoned');
    await store.confirm(barred.orderId); // the late attempt
    expect(await types(barred.orderId)).not.toContain('OrderConfirmed');

    const landed = await placed();
    await store.reserve(landed.orderId, landed.lines);
    await store.authorizePayment(landed.orderId, 10, 'EUR');
    await store.createShipment(landed.orderId, 'DE');
    await store.confirm(landed.orderId);
    expect(await store.settleConfirmation(landed.orderId)).toBe('confirmed');
  });

  it('cancels after the compensations with OrderCancelled and a CANCELLED status in the outbox, once', async () => {
    const { orderId, lines } = await placed();
    await store.reserve(orderId, lines);
    expect(await store.release(orderId)).toBe('released');
    await store.cancel(orderId, 'AuthorizePayment', 'PAYMENT_DECLINED');
    await store.cancel(orderId, 'AuthorizePayment', 'PAYMENT_DECLINED');
    expect((await types(orderId)).filter((t) => t === 'OrderCancelled')).toHaveLength(1);
    const last = (await history(orderId)).at(-1);
    expect(last?.outbox?.map((o) => OutboxEntrySchema.parse(o)).map((o) => o.event['detail-type'])).toEqual([
      'OrderCancelled',
      'OrderStatusChanged',
    ]);
  });
});
