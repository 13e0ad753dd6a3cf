import { randomUUID } from 'node:crypto';
import type * as z from 'zod/mini';
import { ORDER_PLACED_DETAIL_TYPE } from '../../contracts/events/order-placed.js';
import {
  cancelOrder,
  confirmOrder,
  orderConfirmed,
  orderStatusChanged,
  placeOrder,
} from '../../contracts/samples.js';
import { FAILURE_REASON_ATTRIBUTE } from '../../lambdas/shared/dead-letter.js';
import type { PublishRequest } from '../../lambdas/shared/publisher.js';
import { ROUTE_QUEUES } from '../../lib/stacks/order-events-stack.js';
import { deployToEmulator } from '../emulator/deploy.js';
import { ensureEmulator, stopEmulator } from '../emulator/emulator.js';
import { describeEnd, describePath, sagaEnd, sagaPath } from '../saga/saga.js';
import { AppClient, type Effect, QUEUE_NAMES, ROUTE_EFFECTS } from '../shared/app-client.js';
import { fail, progress, runMain } from '../shared/progress.js';
import { textTable } from '../shared/table.js';
import { settled, waitFor } from '../shared/wait.js';

const USAGE = `Usage: npm run local            start (or reuse) the emulator, deploy, and show events flowing
       npm run local:down       stop the emulator that npm run local started

Set AWS_ENDPOINT_URL to use an emulator you run yourself (e.g. LocalStack).`;

const table = (rows: string[][]) => console.log(textTable(rows, { indent: '  ' }));

const mark = (n: number) => (n === 0 ? '·' : n === 1 ? '✔' : `✔×${n}`);

async function busRouting(app: AppClient, id: (n: string) => string): Promise<void> {
  const orders: Array<{ label: string; request: ReturnType<typeof placeOrder> }> = [
    { label: 'web, 120 EUR', request: placeOrder({ orderId: id('2001') }) },
    { label: 'web, 2 400 EUR', request: placeOrder({ orderId: id('2002'), total: 2400 }) },
    {
      label: 'new customer, 700 EUR',
      request: placeOrder({ orderId: id('2003'), total: 700, customerTier: 'new' }),
    },
    { label: 'partner-acme channel', request: placeOrder({ orderId: id('2004'), channel: 'partner-acme' }) },
    {
      label: 'gift SKU, no coupon',
      request: placeOrder({ orderId: id('2005'), items: [{ sku: 'MUG-GIFT', quantity: 1, unitPrice: 120 }] }),
    },
    { label: 'coupon WELCOME10', request: placeOrder({ orderId: id('2006'), couponCode: 'WELCOME10' }) },
    {
      label: 'test channel, 5 000 EUR',
      request: placeOrder({ orderId: id('2007'), channel: 'test', total: 5000 }),
    },
  ];
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

  /** What each route's consumer left for an order, in a few words ('·': the route did not take it). */
  const effectsOf = async (orderId: string): Promise<string[]> => {
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
  };
  const rows: string[][] = [];
  for (const o of orders) {
    const orderId = o.request.data.orderId;
    rows.push([orderId, o.label, mark(started.has(orderId) ? 1 : 0), ...(await effectsOf(orderId))]);
  }
  console.log(
    '\nWhich route took which order, and what its consumer did (EventBridge rules built from the event\n' +
      'contracts; each route queue has an idempotent consumer that leaves its effect in the RouteEffects table):',
  );
  table([['order', 'placed', 'saga', ...ROUTE_QUEUES], ...rows]);
  console.log(
    '  (fraudReview: total >= 1000, or a new customer above 500; partner: channel prefix; giftWrap: a SKU ending\n' +
      '   -GIFT and no coupon; promotions: a coupon exists; analytics: every channel but test)',
  );
}

async function sagaPaths(app: AppClient, id: (n: string) => string): Promise<void> {
  const orders: Array<{ label: string; request: ReturnType<typeof placeOrder> }> = [
    { label: 'happy path', request: placeOrder({ orderId: id('3001') }) },
    {
      label: 'sold-out SKU',
      request: placeOrder({
        orderId: id('3002'),
        items: [{ sku: 'SOLDOUT-LAMP', quantity: 1, unitPrice: 120 }],
      }),
    },
    { label: 'card declined', request: placeOrder({ orderId: id('3003'), paymentToken: 'tok_declined' }) },
    {
      label: 'no carrier to AQ',
      request: placeOrder({ orderId: id('3004'), shippingAddress: { country: 'AQ', postalCode: '9999' } }),
    },
    {
      label: 'flaky payment provider',
      request: placeOrder({ orderId: id('3005'), paymentToken: 'tok_flaky' }),
    },
    {
      label: 'order store down',
      request: placeOrder({ orderId: id('3006'), customerId: 'cust-unavailable' }),
    },
  ];
  progress.step('Placing orders that take each path through the fulfilment saga (Step Functions)');
  await app.publisher.publish(orders.map((o) => o.request));
  await app.publisher.publish([orders[0]?.request ?? placeOrder()]);
  progress.info(`${orders.length} orders placed, the first one twice (its saga must still run once)`);
  const ends = await Promise.all(orders.map((o) => app.sagaEnd(o.request.data.orderId)));
  console.log("\nEach order's path through the saga (npm run saga:status -- <orderId> for details):");
  for (const [i, o] of orders.entries()) {
    const end = ends[i];
    const verdict = end ? describeEnd(sagaEnd(end)) : 'not ended';
    console.log(`  ${o.request.data.orderId}  ${o.label.padEnd(22)} ${verdict}`);
    console.log(`      ${describePath(sagaPath(await app.history(o.request.data.orderId)))}`);
  }
}

async function demo(endpoint: string): Promise<void> {
  const app = new AppClient(endpoint);
  const run = randomUUID().slice(0, 6);
  const id = (n: string) => `demo-${run}-${n}`;

  await busRouting(app, id);
  await sagaPaths(app, id);

  const outcomes: Array<{ label: string; request: PublishRequest<z.ZodMiniType> }> = [
    {
      label: 'confirmed, web, 149.90 EUR',
      request: confirmOrder({ orderId: id('1001'), total: 149.9, channel: 'web' }),
    },
    {
      label: 'confirmed, mobile, 42.50 EUR',
      request: confirmOrder({ orderId: id('1002'), total: 42.5, channel: 'mobile' }),
    },
    {
      label: 'cancelled (payment declined), 310 EUR',
      request: cancelOrder({ orderId: id('1003'), total: 310 }),
    },
    {
      label: 'confirmed, test channel, 999 EUR',
      request: confirmOrder({ orderId: id('1004'), total: 999, channel: 'test' }),
    },
  ];
  const first = outcomes[0];
  if (!first) throw new Error('no demo orders');
  const firstId = String((first.request.data as { orderId: string }).orderId);

  progress.step('Publishing order outcomes on the bus (rule → SNS fan-out → SQS → Lambda)');
  await app.publisher.publish(outcomes.map((o) => o.request));
  progress.info(`${outcomes.length} outcomes published`);
  await app.publisher.publish([first.request, first.request]);
  progress.info(`${firstId} confirmed twice more (re-published: new eventIds, same idempotency key)`);

  progress.step('Sending bad input');
  try {
    await app.publisher.publish([confirmOrder({ orderId: id('1005'), customerEmail: 'not-an-address' })]);
  } catch (error) {
    progress.info(`the publisher refused an invalid event before sending it: ${(error as Error).message}`);
  }
  const invalid = orderConfirmed({ orderId: id('1006') });
  const schemaInvalid = {
    ...invalid,
    detail: { ...invalid.detail, data: { ...invalid.detail.data, customerEmail: 'not-an-address' } },
  };
  await app.publishOutcome(`{"detail-type": "OrderConfirmed", oops ${run}`);
  await app.publishOutcome(schemaInvalid);
  progress.info(
    'a misbehaving producer put 2 malformed messages straight on the topic (not JSON; invalid e-mail)',
  );

  progress.step('Publishing status changes to the ordered FIFO stream (message group = orderId)');
  const steps = ['PLACED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'SHIPPED'] as const;
  for (const [i, s] of steps.entries()) await app.publishStatus(orderStatusChanged(firstId, s, i + 1));
  await app.publishStatus(orderStatusChanged(firstId, 'STOCK_RESERVED', 2));
  progress.info(`${steps.length} changes for ${firstId}, then a late re-delivery of change 2`);

  progress.step('Waiting for every consumer to finish');
  await waitFor('the status projection', async () =>
    (await app.status(firstId))?.sequence === 4 ? true : undefined,
  );
  await waitFor('the outcomes', async () =>
    (await app.effectCounts(firstId)).LOYALTY > 0 ? true : undefined,
  );
  let quiet = 0;
  await waitFor(
    'the queues to drain',
    async () => {
      const depths = await Promise.all(QUEUE_NAMES.map((q) => app.depth(app.queueUrl(q))));
      quiet = depths.every((d) => d.visible + d.inFlight === 0) ? quiet + 1 : 0;
      return quiet >= 2 ? true : undefined;
    },
    { timeoutMs: 60_000 },
  );

  const kinds: Effect[] = ['EMAIL', 'LOYALTY', 'ANALYTICS'];
  const rows: string[][] = [['order', 'outcome', 'email', 'loyalty', 'analytics']];
  for (const o of outcomes) {
    const orderId = String((o.request.data as { orderId: string }).orderId);
    const c = await app.effectCounts(orderId);
    rows.push([orderId, o.label, ...kinds.map((k) => mark(c[k]))]);
  }
  console.log('\nWhich consumer got which outcome (SNS filter policies on the message body):');
  table(rows);
  console.log(
    '  (email skips the test channel; loyalty takes confirmed orders of 100 or more; analytics takes all)',
  );

  const dup = await app.effectCounts(firstId);
  console.log(
    `\nDuplicates: ${firstId} was confirmed 3 times → ${dup.EMAIL} email, ${dup.LOYALTY} loyalty award, ` +
      `${dup.ANALYTICS} analytics fact (idempotency key ${first.request.idempotencyKey})`,
  );

  console.log('\nDead-letter queues (messages from this run, with the reason the consumer recorded):');
  for (const q of QUEUE_NAMES) {
    const mine = (await app.peek(app.dlqUrl(q))).filter((m) => m.Body?.includes(run));
    if (mine.length === 0) console.log(`  ${q.padEnd(9)} empty`);
    for (const m of mine) {
      const reason = m.MessageAttributes?.[FAILURE_REASON_ATTRIBUTE]?.StringValue ?? '(retries exhausted)';
      console.log(`  ${q.padEnd(9)} ${reason.length > 110 ? `${reason.slice(0, 107)}...` : reason}`);
    }
  }

  const status = await app.status(firstId);
  console.log(
    `\nOrdered stream: ${firstId} is ${status?.status} (sequence ${status?.sequence}); ` +
      'the late re-delivery of sequence 2 was ignored, so the projection never went backwards.',
  );
  console.log(`\nReplay the last 15 minutes of the bus: npm run replay -- --from 15m --to now`);
  console.log(`The emulator keeps running at ${endpoint}. Stop it with: npm run local:down\n`);
}

runMain(async () => {
  const [command = 'up', ...rest] = process.argv.slice(2);
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (rest.length > 0) fail(`unexpected argument '${rest[0]}'.\n${USAGE}`, 2);
  if (command === 'down') {
    const result = await stopEmulator();
    progress.ok(result === 'stopped' ? 'Emulator stopped' : 'No emulator started by this project is running');
    return;
  }
  if (command !== 'up') fail(`unknown command '${command}'.\n${USAGE}`, 2);
  const emulator = await ensureEmulator();
  await deployToEmulator(emulator.endpoint);
  await demo(emulator.endpoint);
});
