import { randomUUID } from 'node:crypto';
import { domainLifecycle, placeOrder } from '../../../contracts/samples.js';
import { outboxFor } from '../../../lambdas/fulfilment/order-outbox.js';
import { appendWithRetry, ConcurrencyError } from '../../../lambdas/shared/event-store.js';
import { LOG_LINES } from '../../../lambdas/shared/log-lines.js';
import { formatHistory } from '../../event-store/history.js';
import { rebuildProjection } from '../../event-store/projection.js';
import type { AppClient } from '../../shared/app-client.js';
import { logLines } from '../../shared/logs.js';
import { progress } from '../../shared/progress.js';
import { waitFor } from '../../shared/wait.js';
import type { DemoRun } from './shared.js';
import { mark, printTable } from './shared.js';

const clock = { now: () => new Date().toISOString(), newId: () => randomUUID() };

/**
 * Scene 4: the event-sourced order. One order's event stream with its outbox, the relay
 * publishing it, two writers racing for one version (the loser reloads and decides again),
 * and the status projection rebuilt from every order's events.
 */
export async function eventStoreScene(app: AppClient, demo: DemoRun): Promise<void> {
  const since = Date.now();
  const order = placeOrder({ orderId: demo.id('4001'), total: 150 });
  const orderId = order.data.orderId;
  progress.step('Placing one order and reading its event stream from the event store');
  await app.publisher.publish([order]);
  await app.sagaEnd(orderId);
  console.log(`\n${formatHistory(orderId, await app.eventStore().history(orderId))}`);
  console.log(
    '  Each row is one DynamoDB item (aggregateId, version); OUTBOX lists the integration events\n' +
      '  written in the same transaction.',
  );

  progress.step('The outbox relay reads the table’s stream and publishes each outbox, in order');
  const relayed = await waitFor(`the relay to publish ${orderId}'s outcome`, async () => {
    const lines = (await logLines(app.sagaOutput('OutboxRelayLogGroupName'), orderId, since)).filter((l) =>
      l.includes(LOG_LINES.relaying),
    );
    return lines.some((l) => l.includes('OrderConfirmed')) ? lines : undefined;
  });
  printTable(
    relayed.map((line) => {
      const entry = JSON.parse(line) as { version?: number; entries?: string[] };
      return [`version ${entry.version ?? '?'}`, (entry.entries ?? []).join(', ')];
    }),
  );
  const counts = await waitFor(`the consumers of ${orderId}`, async () => {
    const c = await app.effectCounts(orderId);
    return c.ANALYTICS > 0 && c.EMAIL > 0 && c.STATUS > 0 ? c : undefined;
  });
  const status = await app.status(orderId);
  console.log(
    `  Downstream: email ${mark(counts.EMAIL)}  loyalty ${mark(counts.LOYALTY)}  analytics ${mark(counts.ANALYTICS)}` +
      `  status projection ${status ? `${status.status} at version ${status.sequence}` : '·'}` +
      ' (the last status change; OrderConfirmed publishes none)',
  );

  progress.step('Two writers append to one order at the same version');
  const store = app.eventStore();
  const raceId = demo.id('4002');
  const { placed, reserved: reserve } = domainLifecycle({ orderId: raceId, channel: 'test' });
  const start = await store.load(raceId);
  await store.append({
    aggregateId: raceId,
    expectedVersion: 0,
    events: [placed],
    outbox: outboxFor(start.state, [placed], clock),
  });
  // Both writers loaded version 1 and decided to reserve the stock (with its status change).
  const a = await store.load(raceId);
  const b = await store.load(raceId);
  const appendFor = (loaded: typeof a) => ({
    aggregateId: raceId,
    expectedVersion: loaded.version,
    events: [reserve],
    outbox: outboxFor(loaded.state, [reserve], clock),
  });
  const won = await store.append(appendFor(a));
  console.log(`  writer A: appended StockReserved as version ${won}`);
  try {
    await store.append(appendFor(b));
    console.log('  writer B: appended too (this should not happen)');
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
    console.log(`  writer B: ${error.message}`);
  }
  // The loser reloads and decides again: the stock is reserved, so there is nothing to append.
  const retry = await appendWithRetry(store, raceId, (loaded) =>
    loaded.state.stock === 'DONE' ? undefined : appendFor(loaded),
  );
  console.log(
    `  writer B, reloaded at version ${retry.version}: the stock is already reserved, appended ${retry.appended}`,
  );

  await waitFor(`the relay to publish ${raceId}'s status`, async () =>
    (await app.status(raceId))?.sequence === retry.version ? true : undefined,
  );

  progress.step('Rebuilding the status projection from every order’s events');
  const { rebuilt, differences } = await rebuildProjection(app);
  console.log(
    differences.length === 0
      ? `  ${rebuilt.size} orders replayed into a fresh projection: it equals the live one (npm run projection:rebuild)`
      : `  ${differences.length} of ${rebuilt.size} orders differ from the live projection (a relay catching up shows as behind); npm run projection:rebuild lists them`,
  );
}
