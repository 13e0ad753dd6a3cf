import { randomUUID } from 'node:crypto';
import { FAILURE_REASON_ATTRIBUTE } from '../lambdas/shared/dead-letter.js';
import { AppClient, type Effect, QUEUE_NAMES, waitFor } from './lib/app-client.js';
import { deployToEmulator } from './lib/deploy.js';
import { ensureEmulator, stopEmulator } from './lib/emulator.js';
import { orderCancelled, orderConfirmed, orderStatusChanged } from './lib/order-events.js';
import { fail, progress, runMain } from './lib/progress.js';

const USAGE = `Usage: npm run local            start (or reuse) the emulator, deploy, and show events flowing
       npm run local:down       stop the emulator that npm run local started

Set AWS_ENDPOINT_URL to use an emulator you run yourself (e.g. LocalStack).`;

type Outcome = ReturnType<typeof orderConfirmed> | ReturnType<typeof orderCancelled>;

async function demo(endpoint: string): Promise<void> {
  const app = new AppClient(endpoint);
  const run = randomUUID().slice(0, 6);
  const id = (n: string) => `demo-${run}-${n}`;

  const orders: Array<{ label: string; event: Outcome }> = [
    {
      label: 'confirmed, web, 149.90 EUR',
      event: orderConfirmed({ orderId: id('1001'), total: 149.9, channel: 'web' }),
    },
    {
      label: 'confirmed, mobile, 42.50 EUR',
      event: orderConfirmed({ orderId: id('1002'), total: 42.5, channel: 'mobile' }),
    },
    {
      label: 'cancelled (payment declined), 310 EUR',
      event: orderCancelled({ orderId: id('1003'), total: 310 }),
    },
    {
      label: 'confirmed, test channel, 999 EUR',
      event: orderConfirmed({ orderId: id('1004'), total: 999, channel: 'test' }),
    },
  ];
  const first = orders[0];
  if (!first) throw new Error('no demo orders');
  const notJson = `{"detail-type": "OrderConfirmed", oops ${run}`;
  const invalid = orderConfirmed({ orderId: id('1005') });
  const schemaInvalid = {
    ...invalid,
    detail: { ...invalid.detail, data: { ...invalid.detail.data, customerEmail: 'not-an-address' } },
  };

  progress.step('Publishing order outcomes to the fan-out topic (SNS → SQS → Lambda)');
  for (const o of orders) await app.publishOutcome(o.event);
  progress.info(`${orders.length} order outcomes published`);
  await app.publishOutcome(first.event);
  await app.publishOutcome(first.event);
  progress.info(`order ${first.event.detail.data.orderId} published twice more (duplicates)`);
  await app.publishOutcome(notJson);
  await app.publishOutcome(schemaInvalid);
  progress.info('2 malformed messages published (not JSON; invalid customerEmail)');

  progress.step('Publishing status changes to the ordered FIFO stream (message group = orderId)');
  const statusOrder = first.event.detail.data.orderId;
  const steps = ['PLACED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'SHIPPED'] as const;
  for (const [i, s] of steps.entries()) await app.publishStatus(orderStatusChanged(statusOrder, s, i + 1));
  await app.publishStatus(orderStatusChanged(statusOrder, 'STOCK_RESERVED', 2));
  progress.info(`${steps.length} changes for ${statusOrder}, then a late re-delivery of change 2`);

  progress.step('Waiting for every consumer to finish');
  await waitFor('the status projection', async () =>
    (await app.status(statusOrder))?.sequence === 4 ? true : undefined,
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

  const mark = (n: number) => (n === 0 ? '·' : n === 1 ? '✔' : `✔×${n}`);
  const rows: string[][] = [['order', 'event', 'email', 'loyalty', 'analytics']];
  for (const o of orders) {
    const c = await app.effectCounts(o.event.detail.data.orderId);
    const kinds: Effect[] = ['EMAIL', 'LOYALTY', 'ANALYTICS'];
    rows.push([o.event.detail.data.orderId, o.label, ...kinds.map((k) => mark(c[k]))]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');

  console.log('\nWhich consumer got which event (filter policies on the message body):');
  for (const r of rows) console.log(`  ${line(r)}`);
  console.log(
    '  (email skips the test channel; loyalty takes confirmed orders of 100 or more; analytics takes all)',
  );

  const dup = await app.effectCounts(statusOrder);
  console.log(
    `\nDuplicates: ${statusOrder} was published 3 times → ${dup.EMAIL} email, ${dup.LOYALTY} loyalty award, ` +
      `${dup.ANALYTICS} analytics fact (idempotency on ${first.event.detail.metadata.idempotencyKey})`,
  );

  console.log('\nDead-letter queues (messages from this run, with the reason the consumer recorded):');
  for (const q of QUEUE_NAMES) {
    const mine = (await app.peek(app.dlqUrl(q))).filter((m) => m.Body?.includes(run));
    if (mine.length === 0) {
      console.log(`  ${q.padEnd(9)} empty`);
      continue;
    }
    for (const m of mine) {
      const reason = m.MessageAttributes?.[FAILURE_REASON_ATTRIBUTE]?.StringValue ?? '(retries exhausted)';
      console.log(`  ${q.padEnd(9)} ${reason.length > 110 ? `${reason.slice(0, 107)}...` : reason}`);
    }
  }

  const status = await app.status(statusOrder);
  console.log(
    `\nOrdered stream: ${statusOrder} is ${status?.status} (sequence ${status?.sequence}); ` +
      'the late re-delivery of sequence 2 was ignored, so the projection never went backwards.',
  );
  console.log(`\nThe emulator keeps running at ${endpoint}. Stop it with: npm run local:down\n`);
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
