import { ORDER_LOG_TOPIC } from '../../../contracts/domain/order-log.js';
import { placeOrder } from '../../../contracts/samples.js';
import { ORDER_LOG_GROUPS } from '../../../lib/stacks/order-log-stack.js';
import { emulatorEnv } from '../../emulator/emulator.js';
import { clusterLayout } from '../../kafka/config.js';
import { kafkaClient } from '../../kafka/engine.js';
import type { AppClient } from '../../shared/app-client.js';
import { progress } from '../../shared/progress.js';
import { waitFor } from '../../shared/wait.js';
import { ensureEventSource, stopEventSource } from '../../stream/event-source-process.js';
import { groupLag, type PartitionLag, totalLag } from '../../stream/lag.js';
import { replayGroup } from '../../stream/replay.js';
import { type DemoRun, printTable } from './shared.js';

const GROUPS = [ORDER_LOG_GROUPS.audit, ORDER_LOG_GROUPS.sales];

function printPartitions(partitions: readonly PartitionLag[]): void {
  printTable([
    ['PARTITION', 'RECORDS', ...GROUPS.map((g) => `${g} LAG`)],
    ...partitions.map((p) => [
      String(p.partition),
      String(p.records),
      ...GROUPS.map((g) => String(p.groups[g]?.lag ?? '?')),
    ]),
  ]);
}

/**
 * Scene 5: the order log. The relay appends every integration event to the Kafka topic keyed by
 * orderId; two consumer groups read it at their own pace (the audit trail at once, the sales
 * totals in 5-second windows). Records per partition, each group's lag, and a replay of the
 * audit group that the idempotent consumer absorbs.
 */
export async function orderLogScene(app: AppClient, demo: DemoRun): Promise<void> {
  const admin = kafkaClient(clusterLayout(1), 'demo').admin();
  await admin.connect();
  try {
    const orders = ['5001', '5002', '5003'].map((n, i) =>
      placeOrder({ orderId: demo.id(n), total: 40 + 30 * i }),
    );
    const since = new Date();
    progress.step(
      `Placing ${orders.length} orders: the relay appends each of their events to ${ORDER_LOG_TOPIC}, keyed by orderId`,
    );
    await app.publisher.publish(orders);
    for (const order of orders) await app.sagaEnd(order.data.orderId);
    const audited = await waitFor(
      'the audit group to record every event of the orders',
      async () => {
        const trails = await Promise.all(orders.map((o) => app.auditTrail(o.data.orderId)));
        const done = trails.every((t) => t.some((e) => e.detailType !== 'OrderStatusChanged'));
        return done ? trails : undefined;
      },
      { timeoutMs: 60_000 },
    );
    const first = orders[0]?.data.orderId ?? '';
    console.log(`\n  ${first}'s audit trail (group ${ORDER_LOG_GROUPS.audit}, low-latency), one partition:`);
    printTable(
      (audited[0] ?? []).map((e) => [
        `p${String(e.partition)}@${String(e.offset)}`,
        String(e.detailType),
        String(e.summary),
      ]),
    );

    progress.step('Records per partition, and how far behind each consumer group is');
    const settled = await waitFor(
      'both groups to catch up',
      async () => {
        const lag = await groupLag(admin, ORDER_LOG_TOPIC, GROUPS);
        return GROUPS.every((g) => totalLag(lag, g) === 0) ? lag : undefined;
      },
      { timeoutMs: 60_000 },
    ).catch(() => groupLag(admin, ORDER_LOG_TOPIC, GROUPS));
    printPartitions(settled);
    const minute = since.toISOString().slice(0, 16);
    const sales = await app.salesMinute(minute);
    console.log(
      `  Sales in ${minute} (group ${ORDER_LOG_GROUPS.sales}, high-throughput): ` +
        (Object.entries(sales)
          .map(([currency, s]) => `${s.orders} orders, ${(s.totalCents / 100).toFixed(2)} ${currency}`)
          .join('; ') || 'none yet'),
    );

    progress.step(
      `Replaying group ${ORDER_LOG_GROUPS.audit} from ${since.toISOString()}: it reads those records again`,
    );
    const before = (await app.auditTrail(first)).length;
    // Kafka moves only an idle group's offsets: stop the local event source, move, start it.
    await stopEventSource();
    const moves = await replayGroup(admin, {
      group: ORDER_LOG_GROUPS.audit,
      topic: ORDER_LOG_TOPIC,
      start: { kind: 'time', at: since },
      dryRun: false,
    });
    const again = moves.reduce((n, m) => n + Math.max(0, m.again), 0);
    await ensureEventSource(emulatorEnv(app.endpoint));
    await waitFor(
      'the audit group to read the replayed records',
      async () =>
        totalLag(await groupLag(admin, ORDER_LOG_TOPIC, GROUPS), ORDER_LOG_GROUPS.audit) === 0
          ? true
          : undefined,
      { timeoutMs: 60_000 },
    );
    const after = (await app.auditTrail(first)).length;
    console.log(
      `  ${again} record(s) read again; ${first}'s audit trail has ${after} line(s), as before the replay (${before}):` +
        ' each record is absorbed by the consumer’s idempotency and keyed write.',
    );
  } finally {
    await admin.disconnect();
  }
}
