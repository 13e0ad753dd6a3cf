import { ORDER_PLACED_DETAIL_TYPE } from '../../../contracts/events/order-placed.js';
import { placeOrder } from '../../../contracts/samples.js';
import { ROUTE_QUEUES } from '../../../lib/stacks/order-events-stack.js';
import {
  FRAUD_REVIEW_NEW_CUSTOMER_TOTAL,
  FRAUD_REVIEW_TOTAL,
  GIFT_SKU_SUFFIX,
  ORDER_ROUTES,
  PARTNER_CHANNEL_PREFIX,
  TEST_TRAFFIC_CHANNEL,
} from '../../../lib/stacks/order-routes.js';
import { type AppClient, ROUTE_EFFECTS } from '../../shared/app-client.js';
import { progress } from '../../shared/progress.js';
import { settled, waitFor } from '../../shared/wait.js';
import { type DemoRun, mark, printTable } from './shared.js';

/** Orders that between them take every route of the orders bus. */
function routedOrders({ id }: DemoRun) {
  const bigTotal = FRAUD_REVIEW_TOTAL * 2.4;
  const newCustomerTotal = FRAUD_REVIEW_NEW_CUSTOMER_TOTAL + 200;
  return [
    { label: 'web, 120 EUR', request: placeOrder({ orderId: id('2001') }) },
    { label: `web, ${bigTotal} EUR`, request: placeOrder({ orderId: id('2002'), total: bigTotal }) },
    {
      label: `new customer, ${newCustomerTotal} EUR`,
      request: placeOrder({ orderId: id('2003'), total: newCustomerTotal, customerTier: 'new' }),
    },
    {
      label: `${PARTNER_CHANNEL_PREFIX}acme channel`,
      request: placeOrder({ orderId: id('2004'), channel: `${PARTNER_CHANNEL_PREFIX}acme` }),
    },
    {
      label: 'gift SKU, no coupon',
      request: placeOrder({
        orderId: id('2005'),
        items: [{ sku: `MUG${GIFT_SKU_SUFFIX}`, quantity: 1, unitPrice: 120 }],
      }),
    },
    { label: 'coupon WELCOME10', request: placeOrder({ orderId: id('2006'), couponCode: 'WELCOME10' }) },
    {
      label: `${TEST_TRAFFIC_CHANNEL} channel, 5000 EUR`,
      request: placeOrder({ orderId: id('2007'), channel: TEST_TRAFFIC_CHANNEL, total: 5000 }),
    },
  ];
}

/** What each route's consumer left for an order, in a few words (`·`: the route did not take it). */
async function effectsOf(app: AppClient, orderId: string): Promise<string[]> {
  const items = await app.routeEffects(orderId);
  return ROUTE_QUEUES.map((q) => {
    // The saga's outcome events take the analytics route too: show the OrderPlaced fact.
    const e = items.find(
      (i) => i.kind === ROUTE_EFFECTS[q] && (q !== 'analytics' || i.eventType === ORDER_PLACED_DETAIL_TYPE),
    );
    if (!e) return mark(0);
    if (e.kind === 'REVIEW') return `case ${e.status}`;
    if (e.kind === 'PARTNER') return `→ ${e.partner}`;
    if (e.kind === 'GIFT_WRAP') return `wrap ${(e.skus as string[]).join(' ')}`;
    if (e.kind === 'COUPON') return `${e.couponCode} used`;
    return 'fact';
  });
}

/** Scene 1: orders placed on the bus, routed by the rules' content filters to the route consumers. */
export async function busRoutingScene(app: AppClient, demo: DemoRun): Promise<void> {
  const orders = routedOrders(demo);
  progress.step('Placing orders on the orders bus (EventBridge content filtering)');
  await app.publisher.publish(orders.map((o) => o.request));
  progress.info(`${orders.length} OrderPlaced events published (validated, batched PutEvents)`);

  const started = new Set<string>();
  await waitFor('the sagas to start', async () => {
    for (const o of orders)
      if (await app.execution(o.request.data.orderId)) started.add(o.request.data.orderId);
    return orders.every((o) => started.has(o.request.data.orderId)) ? true : undefined;
  });
  await settled(app);

  const rows: string[][] = [];
  for (const o of orders) {
    const orderId = o.request.data.orderId;
    rows.push([orderId, o.label, mark(started.has(orderId) ? 1 : 0), ...(await effectsOf(app, orderId))]);
  }
  console.log(
    '\nWhich route took which order, and what its consumer did (EventBridge rules built from the event\n' +
      'contracts; each route queue has an idempotent consumer that leaves its effect in the RouteEffects table):',
  );
  printTable([['order', 'placed', 'saga', ...ROUTE_QUEUES], ...rows]);
  for (const q of ROUTE_QUEUES) console.log(`  ${q}: ${ORDER_ROUTES[q].description}`);
}
