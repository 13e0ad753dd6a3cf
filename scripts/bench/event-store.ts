import { randomUUID } from 'node:crypto';
import { domainLifecycle } from '../../contracts/samples.js';
import { outboxFor } from '../../lambdas/fulfilment/order-outbox.js';
import { AppClient } from '../shared/app-client.js';
import { busProbe } from '../shared/bus-probe.js';
import { progress } from '../shared/progress.js';
import { type Summary, summarize } from '../shared/stats.js';
import { waitFor } from '../shared/wait.js';

/**
 * The event store's two figures, on the deployed app:
 * - append latency: one conditional TransactWriteItems of an order's first event and its
 *   outbox, from this process to the emulator's DynamoDB;
 * - relay lag: from the moment an append of OrderConfirmed (with its outbox) returned to the
 *   moment the outbox relay's event reached the bus (a probe rule's queue stamps it when
 *   EventBridge delivers it): the stream, the relay's event source, the relay and PutEvents.
 * Orders are placed with channel `test` (no email); their events fold like a saga's.
 */

export interface EventStoreResult {
  readonly appends: number;
  readonly appendMs?: Summary;
  readonly relayed: number;
  /** Outcome events that did not reach the bus before the deadline. */
  readonly missing: number;
  readonly relayLagMs?: Summary;
  /** Pause between two orders. */
  readonly intervalMs: number;
}

const clock = { now: () => new Date().toISOString(), newId: () => randomUUID() };

export async function measureEventStore(options: {
  readonly endpoint: string;
  readonly orders: number;
  readonly intervalMs: number;
}): Promise<EventStoreResult> {
  const app = new AppClient(options.endpoint);
  const store = app.eventStore();
  const run = randomUUID().slice(0, 8);
  const prefix = `bench-store-${run}-`;
  const probe = await busProbe(
    app,
    { 'detail-type': ['OrderConfirmed'], detail: { data: { orderId: [{ prefix }] } } },
    'bench-relay',
  );
  try {
    const appendMs: number[] = [];
    const appendedAt = new Map<string, number>();
    progress.step(`Event store: ${options.orders} orders, one every ${options.intervalMs} ms`);
    for (let i = 0; i < options.orders; i++) {
      const orderId = `${prefix}${String(i).padStart(4, '0')}`;
      const { placed, reserved, rest: after } = domainLifecycle({ orderId, channel: 'test', total: 40 });
      const rest = [reserved, ...after];
      const first = await store.load(orderId);
      const started = performance.now();
      await store.append({
        aggregateId: orderId,
        expectedVersion: 0,
        events: [placed],
        outbox: outboxFor(first.state, [placed], clock),
      });
      appendMs.push(performance.now() - started);
      const placedState = await store.load(orderId);
      await store.append({
        aggregateId: orderId,
        expectedVersion: placedState.version,
        events: rest,
        outbox: outboxFor(placedState.state, rest, clock),
      });
      appendedAt.set(orderId, Date.now());
      await new Promise((r) => setTimeout(r, options.intervalMs));
    }

    progress.step('Event store: waiting for the relay to put every OrderConfirmed on the bus');
    const arrived = new Map<string, number>();
    await waitFor(
      'the relayed outcome events on the bus',
      async () => {
        for (const m of await probe.take()) {
          const orderId = (JSON.parse(m.Body ?? '{}') as { detail?: { data?: { orderId?: string } } }).detail
            ?.data?.orderId;
          const sent = Number(m.Attributes?.SentTimestamp);
          if (orderId && Number.isFinite(sent)) arrived.set(orderId, sent);
        }
        return arrived.size >= options.orders ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    ).catch(() => undefined);
    const lags = [...appendedAt].flatMap(([id, at]) => {
      const reached = arrived.get(id);
      return reached === undefined ? [] : [Math.max(0, reached - at)];
    });
    return {
      appends: appendMs.length,
      ...(appendMs.length > 0 ? { appendMs: summarize(appendMs) } : {}),
      relayed: lags.length,
      missing: options.orders - lags.length,
      ...(lags.length > 0 ? { relayLagMs: summarize(lags) } : {}),
      intervalMs: options.intervalMs,
    };
  } finally {
    await probe.remove();
  }
}
