import type * as z from 'zod/mini';
import { TEST_TRAFFIC_CHANNEL } from '../../../contracts/route-events.js';
import { cancelOrder, confirmOrder, orderConfirmed, orderStatusChanged } from '../../../contracts/samples.js';
import { FAILURE_REASON_ATTRIBUTE } from '../../../lambdas/shared/dead-letter.js';
import type { PublishRequest } from '../../../lambdas/shared/publisher.js';
import { LOYALTY_MIN_TOTAL } from '../../../lib/stacks/order-notifications-stack.js';
import { type AppClient, type Effect, QUEUE_NAMES } from '../../shared/app-client.js';
import { progress } from '../../shared/progress.js';
import { settled, waitFor } from '../../shared/wait.js';
import { type DemoRun, mark, printTable } from './shared.js';

/** Outcomes that between them pass and fail each subscription's filter policy. */
function outcomes({ id }: DemoRun): Array<{ label: string; request: PublishRequest<z.ZodMiniType> }> {
  return [
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
      label: `confirmed, ${TEST_TRAFFIC_CHANNEL} channel, 999 EUR`,
      request: confirmOrder({ orderId: id('1004'), total: 999, channel: TEST_TRAFFIC_CHANNEL }),
    },
  ];
}

const orderIdOf = (request: PublishRequest<z.ZodMiniType>) =>
  String((request.data as { orderId: string }).orderId);

/** Bad input: one event the publisher refuses, two a misbehaving producer puts straight on the topic. */
async function sendBadInput(app: AppClient, { id, run }: DemoRun): Promise<void> {
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
}

/**
 * Scene 3: outcomes fanned out by SNS to the notification consumers, a duplicate absorbed by
 * idempotency, bad input dead-lettered with its reason, and an ordered FIFO status stream.
 */
export async function fanOutScene(app: AppClient, demo: DemoRun): Promise<void> {
  const published = outcomes(demo);
  const first = published[0];
  if (!first) throw new Error('no demo orders');
  const firstId = orderIdOf(first.request);

  progress.step('Publishing order outcomes on the bus (rule → SNS fan-out → SQS → Lambda)');
  await app.publisher.publish(published.map((o) => o.request));
  progress.info(`${published.length} outcomes published`);
  await app.publisher.publish([first.request, first.request]);
  progress.info(`${firstId} confirmed twice more (re-published: new eventIds, same idempotency key)`);

  await sendBadInput(app, demo);

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
  await settled(app);

  const kinds: Effect[] = ['EMAIL', 'LOYALTY', 'ANALYTICS'];
  const rows: string[][] = [['order', 'outcome', 'email', 'loyalty', 'analytics']];
  for (const o of published) {
    const c = await app.effectCounts(orderIdOf(o.request));
    rows.push([orderIdOf(o.request), o.label, ...kinds.map((k) => mark(c[k]))]);
  }
  console.log('\nWhich consumer got which outcome (SNS filter policies on the message body):');
  printTable(rows);
  console.log(
    `  (email skips the ${TEST_TRAFFIC_CHANNEL} channel; loyalty takes confirmed orders of ${LOYALTY_MIN_TOTAL} or more; analytics takes all)`,
  );

  const dup = await app.effectCounts(firstId);
  console.log(
    `\nDuplicates: ${firstId} was confirmed 3 times → ${dup.EMAIL} email, ${dup.LOYALTY} loyalty award, ` +
      `${dup.ANALYTICS} analytics fact (idempotency key ${first.request.idempotencyKey})`,
  );

  console.log('\nDead-letter queues (messages from this run, with the reason the consumer recorded):');
  for (const q of QUEUE_NAMES) {
    const mine = (await app.peek(app.dlqUrl(q))).filter((m) => m.Body?.includes(demo.run));
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
}
