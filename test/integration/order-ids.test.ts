import { randomUUID } from 'node:crypto';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { ID_MAX_BYTES } from '../../contracts/events/envelope.js';
import { ORDER_PLACED_DETAIL_TYPE, ORDER_PLACED_SOURCE } from '../../contracts/events/order-placed.js';
import { orderPlaced, placeOrder } from '../../contracts/samples.js';
import { executionName } from '../../lambdas/saga-starter/start-saga.js';
import { FAILURE_REASON_ATTRIBUTE } from '../../lambdas/shared/dead-letter.js';
import { connect, waitFor } from './support.js';

const app = connect();

/** The intake dead-letter message that carries `needle`, once it is there. */
const intakeDeadLetter = (needle: string) =>
  waitFor(`a message containing ${needle} in the saga intake DLQ`, async () =>
    (await app.scan(app.sagaOutput('SagaIntakeDlqUrl'))).find((m) => m.Body?.includes(needle)),
  );

describe('order ids: every order gets a saga of its own', () => {
  // Each pair shared one execution name before: the second order was dropped as a duplicate.
  it.each([
    ['a space and an underscore', (s: string) => `A-coll x-${s}`, (s: string) => `A-coll_x-${s}`],
    [
      'their ends, past 80 characters',
      (s: string) => `${s}-${'k'.repeat(80)}-1`,
      (s: string) => `${s}-${'k'.repeat(80)}-2`,
    ],
  ])('runs one confirmed saga for each of two orders whose ids differ by %s', async (_, first, second) => {
    const suffix = randomUUID().slice(0, 8);
    const orders = [placeOrder({ orderId: first(suffix) }), placeOrder({ orderId: second(suffix) })];
    await app.publisher.publish(orders);

    const ends = await Promise.all(orders.map((o) => app.sagaEnd(o.data.orderId)));

    expect(new Set(ends.map((e) => e.executionArn)).size).toBe(2);
    expect(
      ends.map((e) => (JSON.parse(e.input ?? '{}') as { order: { orderId: string } }).order.orderId),
    ).toEqual(orders.map((o) => o.data.orderId));
    for (const order of orders) expect((await app.fulfilment(order.data.orderId)).ORDER).toBe('CONFIRMED');
  });

  it("dead-letters an order whose execution name another order's run holds, saying whose", async () => {
    const orderId = `taken-${randomUUID()}`;
    const other = orderPlaced({ orderId: `other-${randomUUID()}` });
    // What a collision of names would leave: another order's run under this order's name.
    await app.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: app.sagaOutput('StateMachineArn'),
        name: executionName(orderId),
        input: JSON.stringify({ order: other.detail.data, metadata: other.detail.metadata }),
      }),
    );

    await app.publisher.publish([placeOrder({ orderId })]);
    const message = await intakeDeadLetter(orderId);

    expect(message.MessageAttributes?.[FAILURE_REASON_ATTRIBUTE]?.StringValue).toContain(
      `already exists for order "${other.detail.data.orderId}"`,
    );
  });

  it('dead-letters a raw OrderPlaced whose orderId is over the bound, naming the field', async () => {
    const orderId = `long-${randomUUID()}-`.padEnd(ID_MAX_BYTES + 1, 'x');
    const event = orderPlaced({ orderId });

    await app.putRaw([
      { source: ORDER_PLACED_SOURCE, detailType: ORDER_PLACED_DETAIL_TYPE, detail: event.detail },
    ]);
    const message = await intakeDeadLetter(orderId);

    expect(message.MessageAttributes?.[FAILURE_REASON_ATTRIBUTE]?.StringValue).toContain(
      `detail.data.orderId: orderId must be at most ${ID_MAX_BYTES} bytes in UTF-8`,
    );
    expect(await app.execution(orderId)).toBeUndefined();
  });
});
