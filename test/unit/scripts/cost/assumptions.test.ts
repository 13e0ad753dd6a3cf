import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { OrderDomainEventSchema } from '../../../../contracts/domain/order-events.js';
import { EventSourcedFulfilmentStore } from '../../../../lambdas/fulfilment/event-sourced-fulfilment-store.js';
import { applyOrderEvent, initialOrder } from '../../../../lambdas/fulfilment/order-aggregate.js';
import { PAYMENT_TOKENS, UNSHIPPABLE_COUNTRY } from '../../../../lambdas/fulfilment/simulation.js';
import * as steps from '../../../../lambdas/fulfilment/steps.js';
import { EventStoreClient } from '../../../../lambdas/shared/event-store.js';
import { DEFAULT_ASSUMPTIONS } from '../../../../scripts/cost/assumptions.js';
import { InMemoryPaymentTokenVault } from '../../fulfilment/in-memory-fulfilment-store.js';
import { FakeEventTable } from '../../support/fake-event-table.js';
import { sagaInput } from '../../support/orders.js';

/** The saga's tasks, as the stack names their functions. */
type Task =
  | 'ReserveStock'
  | 'ReleaseStock'
  | 'AuthorizePayment'
  | 'VoidPayment'
  | 'CreateShipment'
  | 'CancelShipment'
  | 'ConfirmOrder'
  | 'SettleOrder'
  | 'CancelOrder';

/**
 * The event store, and the stock items its appends update alongside (in another table, which
 * the fake has not got): those writes are dropped, or refused as when the stock has run out.
 */
function fulfilment({ stockRunsOut = false } = {}) {
  const table = new FakeEventTable();
  const client = {
    send: async (command: unknown) => {
      if (!(command instanceof TransactWriteCommand)) return table.send(command);
      const items = command.input.TransactItems ?? [];
      if (stockRunsOut && items.some((i) => i.Update?.ConditionExpression))
        throw new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: {},
          CancellationReasons: items.map((i) => ({ Code: i.Update ? 'ConditionalCheckFailed' : 'None' })),
        });
      return table.send(new TransactWriteCommand({ TransactItems: items.filter((i) => !i.Update) }));
    },
  };
  const events = new EventStoreClient(client, {
    tableName: 'events',
    schema: OrderDomainEventSchema,
    fold: { initial: initialOrder, apply: applyOrderEvent },
  });
  return { store: new EventSourcedFulfilmentStore(events, { client, tableName: 'fulfilment' }), events };
}

/** Run `tasks` as the saga would on one order, and list the events the store holds after. */
async function appended(
  tasks: readonly Task[],
  order: { token?: string; country?: string; stockRunsOut?: boolean },
) {
  const { store, events } = fulfilment(order);
  const vault = new InMemoryPaymentTokenVault();
  const input = sagaInput(
    order.country ? { shippingAddress: { country: order.country, postalCode: '0' } } : {},
  );
  const paymentTokenRef = await vault.deposit(input.order.orderId, order.token ?? PAYMENT_TOKENS.default);
  const paying = { ...input, order: { ...input.order, paymentTokenRef } };
  const run: Record<Task, () => Promise<unknown>> = {
    ReserveStock: () => steps.reserveStock(paying, store),
    ReleaseStock: () => steps.releaseStock(paying, store),
    AuthorizePayment: () => steps.authorizePayment(paying, store, vault),
    VoidPayment: () => steps.voidPayment(paying, store),
    CreateShipment: () => steps.createShipment(paying, store),
    CancelShipment: () => steps.cancelShipment(paying, store),
    ConfirmOrder: () => steps.confirmOrder(paying, store),
    SettleOrder: () => steps.settleOrder(paying, store),
    CancelOrder: () =>
      steps.cancelOrder({ ...paying, failure: { step: 'ReserveStock', reason: 'OUT_OF_STOCK' } }, store),
  };
  for (const task of tasks) await run[task]();
  return (await events.history(input.order.orderId)).map((e) => e.event.type);
}

/** What stepEvents says those tasks append, the refusing one (if any) with its refused events. */
const assumed = (tasks: readonly Task[], refusing?: Task) =>
  tasks.flatMap((task) => {
    const step = DEFAULT_ASSUMPTIONS.stepEvents[task];
    return (task === refusing ? step?.refused : step?.done) ?? [];
  });

describe("the cost model's stepEvents are what the fulfilment steps append", () => {
  it('on the confirmed path', async () => {
    const tasks: Task[] = ['ReserveStock', 'AuthorizePayment', 'CreateShipment', 'ConfirmOrder'];
    expect(await appended(tasks, {})).toEqual(assumed(tasks));
  });

  it('when the stock runs out', async () => {
    const tasks: Task[] = ['ReserveStock', 'CancelOrder'];
    expect(await appended(tasks, { stockRunsOut: true })).toEqual(assumed(tasks, 'ReserveStock'));
  });

  it('when the payment is declined', async () => {
    const tasks: Task[] = ['ReserveStock', 'AuthorizePayment', 'ReleaseStock', 'CancelOrder'];
    expect(await appended(tasks, { token: PAYMENT_TOKENS.declined })).toEqual(
      assumed(tasks, 'AuthorizePayment'),
    );
  });

  it('when no carrier ships to the address', async () => {
    const tasks: Task[] = [
      'ReserveStock',
      'AuthorizePayment',
      'CreateShipment',
      'VoidPayment',
      'ReleaseStock',
      'CancelOrder',
    ];
    expect(await appended(tasks, { country: UNSHIPPABLE_COUNTRY })).toEqual(assumed(tasks, 'CreateShipment'));
  });

  it('when a shipment is cancelled, and when a confirmation is settled as lost', async () => {
    const shipped: Task[] = ['ReserveStock', 'AuthorizePayment', 'CreateShipment'];
    expect(await appended([...shipped, 'CancelShipment'], {})).toEqual(
      assumed([...shipped, 'CancelShipment']),
    );
    expect(await appended([...shipped, 'SettleOrder'], {})).toEqual(assumed([...shipped, 'SettleOrder']));
  });
});
