import { beforeAll, describe, expect, it } from 'vitest';
import { placeOrder } from '../../contracts/samples.js';
import { ROUTE_QUEUES, type RouteQueueName } from '../../lib/stacks/order-events-stack.js';
import { type Effect, ROUTE_EFFECTS } from '../../scripts/shared/app-client.js';
import {
  type BusEntry,
  busRoutingCases,
  type BusDestination as Destination,
} from '../support/routing-cases.js';
import { connect, settled, waitFor } from './support.js';

const app = connect();

const send = (entry: BusEntry): Promise<void> =>
  'raw' in entry ? app.putRaw([entry.raw]) : app.publisher.publish([entry.publish]).then(() => undefined);

// The cases (test/support/routing-cases.ts, which test/cdk/event-ruler.test.ts checks against
// the synthesized patterns too): an event, and exactly the destinations its content must reach.
// `outcomes` is the SNS fan-out (observed through the consumers' ledger); `saga` is the
// fulfilment saga's intake route (observed as a started execution, or, for a body its starter
// rejects, in its DLQ); a route queue is observed through its consumer: the effect it left for
// the order (for analytics, a fact of the event's own type: the saga's outcome events take that
// route too), or, for a body the consumer rejects, the message in the route's DLQ.
const ROWS = busRoutingCases().map((c) => ({ ...c, send: () => send(c.entry) }));

describe('the orders bus routes each event to exactly the targets its content selects', () => {
  const received = new Map<string, Set<Destination>>();
  const record = (orderId: string, where: Destination) => {
    const seen = received.get(orderId) ?? new Set<Destination>();
    seen.add(where);
    received.set(orderId, seen);
  };
  const recordSagaIntake = async () => {
    // Every message: other tests leave rejected orders there too, more than one receive returns.
    const rejected = await app.scan(app.sagaOutput('SagaIntakeDlqUrl'));
    for (const row of ROWS) {
      if (received.get(row.orderId)?.has('saga')) continue;
      if ((await app.execution(row.orderId)) || rejected.some((m) => m.Body?.includes(row.orderId))) {
        record(row.orderId, 'saga');
      }
    }
  };
  const recordRouteEffects = async () => {
    const rejected = new Map<RouteQueueName, string[]>();
    for (const q of ROUTE_QUEUES) {
      const bodies = (await app.scan(app.routeDlqUrl(q))).map((m) => m.Body ?? '');
      rejected.set(q, bodies);
    }
    for (const row of ROWS) {
      const effects = await app.routeEffects(row.orderId);
      for (const q of ROUTE_QUEUES) {
        const left = effects.some(
          (e) => e.kind === ROUTE_EFFECTS[q] && (q !== 'analytics' || e.eventType === row.detailType),
        );
        if (left || rejected.get(q)?.some((body) => body.includes(row.orderId))) record(row.orderId, q);
      }
    }
  };
  const recordAll = async () => {
    await recordRouteEffects();
    for (const row of ROWS.filter((r) => r.reaches.includes('outcomes'))) {
      const counts: Record<Effect, number> = await app.effectCounts(row.orderId);
      if (counts.ANALYTICS > 0) record(row.orderId, 'outcomes');
    }
    await recordSagaIntake();
  };

  beforeAll(async () => {
    await settled(app);
    for (const row of ROWS) await row.send();
    await waitFor(
      'every expected delivery',
      async () => {
        await recordAll();
        return ROWS.every((r) => r.reaches.every((d) => received.get(r.orderId)?.has(d))) ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    // Anything that should not have been delivered would have had its effect by now too.
    await settled(app);
    await recordAll();
  }, 240_000);

  it.each(ROWS)('$name reaches $reaches and nothing else', ({ orderId, reaches }) => {
    expect([...(received.get(orderId) ?? [])].sort()).toEqual([...reaches].sort());
  });

  it('opens a review case from the slim fraud-review payload the input transformer builds', async () => {
    const big = placeOrder({ total: 2500, customerTier: 'vip' });
    await app.publisher.publish([big]);
    const review = await waitFor('the review case', async () =>
      (await app.routeEffects(big.data.orderId)).find((e) => e.kind === ROUTE_EFFECTS.fraudReview),
    );
    // The transformer kept the envelope (the consumer parsed it and de-duplicated on its
    // idempotency key) and these fields of data, and the consumer kept the case.
    expect(review).toEqual({
      pk: `ORDER#${big.data.orderId}`,
      sk: 'REVIEW',
      kind: 'REVIEW',
      status: 'OPEN',
      orderId: big.data.orderId,
      customerId: big.data.customerId,
      customerTier: 'vip',
      total: 2500,
      currency: 'EUR',
      idempotencyKey: big.idempotencyKey,
      eventId: expect.any(String),
      occurredAt: expect.any(String),
    });
  });
});
