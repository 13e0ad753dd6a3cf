import { placeOrder } from '../../../contracts/samples.js';
import {
  PAYMENT_TOKENS,
  SOLD_OUT_SKU_PREFIX,
  UNAVAILABLE_CUSTOMER,
  UNSHIPPABLE_COUNTRY,
} from '../../../lambdas/fulfilment/simulation.js';
import { describeEnd, describePath, sagaEnd, sagaPath } from '../../saga/saga.js';
import type { AppClient } from '../../shared/app-client.js';
import { progress } from '../../shared/progress.js';
import type { DemoRun } from './shared.js';

/** One order per path through the saga, driven by the simulated warehouse, provider and carrier. */
function sagaOrders({ id }: DemoRun) {
  return [
    { label: 'happy path', request: placeOrder({ orderId: id('3001') }) },
    {
      label: 'sold-out SKU',
      request: placeOrder({
        orderId: id('3002'),
        items: [{ sku: `${SOLD_OUT_SKU_PREFIX}LAMP`, quantity: 1, unitPrice: 120 }],
      }),
    },
    {
      label: 'card declined',
      request: placeOrder({ orderId: id('3003'), paymentToken: PAYMENT_TOKENS.declined }),
    },
    {
      label: `no carrier to ${UNSHIPPABLE_COUNTRY}`,
      request: placeOrder({
        orderId: id('3004'),
        shippingAddress: { country: UNSHIPPABLE_COUNTRY, postalCode: '9999' },
      }),
    },
    {
      label: 'flaky payment provider',
      request: placeOrder({ orderId: id('3005'), paymentToken: PAYMENT_TOKENS.flaky }),
    },
    {
      label: 'order store down',
      request: placeOrder({ orderId: id('3006'), customerId: UNAVAILABLE_CUSTOMER }),
    },
  ];
}

/** Scene 2: every path through the fulfilment saga, compensations included, and a duplicate start. */
export async function sagaPathsScene(app: AppClient, demo: DemoRun): Promise<void> {
  const orders = sagaOrders(demo);
  progress.step('Placing orders that take each path through the fulfilment saga (Step Functions)');
  await app.publisher.publish(orders.map((o) => o.request));
  await app.publisher.publish([orders[0]?.request ?? placeOrder()]);
  progress.info(`${orders.length} orders placed, the first one twice (its saga must still run once)`);
  const ends = await Promise.all(orders.map((o) => app.sagaEnd(o.request.data.orderId)));
  console.log(
    "\nEach order's path through the saga (npm run saga:status -- <orderId> for details). Every step\n" +
      "appended the order's events to the event store, the outcome events in the same transaction;\n" +
      'the outbox relay published those (npm run order:history -- <orderId> lists them):',
  );
  for (const [i, o] of orders.entries()) {
    const end = ends[i];
    const verdict = end ? describeEnd(sagaEnd(end)) : 'not ended';
    console.log(`  ${o.request.data.orderId}  ${o.label.padEnd(22)} ${verdict}`);
    console.log(`      ${describePath(sagaPath(await app.history(o.request.data.orderId)))}`);
  }
}
