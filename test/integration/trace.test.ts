import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { newOrderId, placeOrder } from '../../contracts/samples.js';
import { ORDER_LOG_GROUPS } from '../../lib/stacks/order-log-stack.js';
import { ROOT } from '../../scripts/shared/paths.js';
import type { OrderTrace } from '../../scripts/trace/model.js';
import { traceOrder } from '../../scripts/trace/trace.js';
import { connect, waitFor } from './support.js';

const app = connect();
const groups = Object.values(ORDER_LOG_GROUPS);

/**
 * Whether the order's whole flow has been logged: its outcome consumed, and the OrderConfirmed
 * read by both groups (the sales group reads in 5-second windows, so its read of an earlier
 * event comes first).
 */
function complete(trace: OrderTrace | undefined): boolean {
  if (!trace) return false;
  const confirmed = trace.hops.find((h) => h.kind === 'kafka-append' && h.detailType === 'OrderConfirmed');
  const read = (group: string) =>
    trace.hops.some(
      (h) =>
        h.kind === 'kafka-consume' &&
        h.where === group &&
        h.eventId === confirmed?.eventId &&
        !h.details?.from,
    );
  return (
    confirmed !== undefined &&
    trace.hops.some((h) => h.kind === 'consumer' && h.detailType === 'OrderConfirmed') &&
    groups.every(read)
  );
}

describe('npm run trace', () => {
  const order = placeOrder({ orderId: newOrderId('trace') });
  const orderId = order.data.orderId;
  let trace: OrderTrace;

  beforeAll(async () => {
    const since = Date.now() - 5_000;
    await app.publisher.publish([order]);
    trace = await waitFor(
      `the whole flow of ${orderId} in the logs`,
      async () => {
        const found = await traceOrder(orderId, { since });
        return complete(found) ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
  });

  const hops = (kind: string) => trace.hops.filter((h) => h.kind === kind);

  it('starts with the bus put of the OrderPlaced', () => {
    expect(trace.hops[0]).toMatchObject({ kind: 'bus-put', detailType: 'OrderPlaced' });
  });

  it("has the saga intake rule's delivery of the OrderPlaced", () => {
    expect(
      hops('rule-delivery')
        .filter((h) => h.detailType === 'OrderPlaced')
        .map((h) => h.where),
    ).toContain('OrderFulfilment/SagaIntakeRoute');
  });

  it("has the saga starter's receive and its outcome", () => {
    expect(hops('queue-receive').map((h) => h.where)).toContain('OrderFulfilment/SagaIntakeQueue');
    expect(hops('consumer').find((h) => h.where === 'OrderFulfilment/SagaStarter')?.outcome).toBe('ok');
  });

  it('has the saga steps of a confirmed order', () => {
    expect(hops('saga-step').map((h) => h.where)).toEqual(
      expect.arrayContaining([
        'saga/ReserveStock',
        'saga/AuthorizePayment',
        'saga/CreateShipment',
        'saga/ConfirmOrder',
      ]),
    );
  });

  it('has the event store appends and the relay of each', () => {
    const withOutbox = hops('store-append').filter((h) => h.details?.outbox);
    expect(withOutbox.length).toBeGreaterThan(0);
    const relayed = new Set(hops('outbox-relay').map((h) => h.details?.version));
    for (const append of withOutbox) expect(relayed).toContain(append.details?.version);
  });

  it('has the Kafka partition and offset of the OrderConfirmed and the read of each consumer group', () => {
    const appended = hops('kafka-append').find((h) => h.detailType === 'OrderConfirmed');
    expect(appended?.details).toEqual({ partition: expect.any(Number), offset: expect.any(Number) });
    const reads = hops('kafka-consume').filter((h) => h.eventId === appended?.eventId);
    expect(reads.map((h) => h.where).sort()).toEqual([...groups].sort());
    for (const read of reads) expect(read.details).toMatchObject(appended?.details ?? {});
  });

  it('finds the same order by its correlationId', async () => {
    const [correlationId] = trace.correlationIds;
    const byCorrelation = await traceOrder(correlationId ?? 'none', {
      since: Date.parse(trace.hops[0]?.at ?? '') - 5_000,
    });
    expect(byCorrelation?.orderId).toBe(orderId);
  });

  it('reads the same hops through Logs Insights (the --aws way) as through FilterLogEvents', async () => {
    const since = Date.parse(trace.hops[0]?.at ?? '') - 5_000;
    const bare = (t: OrderTrace | undefined) =>
      (t?.hops ?? []).map(({ at, kind, where, summary }) => ({ at, kind, where, summary }));
    const filtered = bare(await traceOrder(orderId, { since }));
    expect(filtered.length).toBeGreaterThan(0);
    // Lines logged between the two reads only add hops.
    expect(bare(await traceOrder(orderId, { since, insights: true }))).toEqual(
      expect.arrayContaining(filtered),
    );
  });

  it('exits non-zero with a message for an id nothing knows', () => {
    const unknown = newOrderId('never-placed');
    const result = spawnSync(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(ROOT, 'scripts', 'trace', 'trace-main.ts'), unknown],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`nothing knows '${unknown}'`);
  });
});
