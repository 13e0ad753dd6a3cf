import { beforeAll, describe, expect, it } from 'vitest';
import { ORDER_CONFIRMED_DETAIL_TYPE } from '../../lambdas/shared/events/order-confirmed.js';
import { ORDER_PLACED_DETAIL_TYPE } from '../../lambdas/shared/events/order-placed.js';
import { ORDER_STATUS_CHANGED_DETAIL_TYPE } from '../../lambdas/shared/events/order-status-changed.js';
import { ORDERS_SOURCE } from '../../lambdas/shared/events/sources.js';
import { ROUTE_QUEUES, type RouteQueueName } from '../../lib/stacks/order-events-stack.js';
import { type Effect, ROUTE_EFFECTS } from '../../scripts/lib/app-client.js';
import { confirmOrder, newOrderId, orderPlacedData, placeOrder } from '../../scripts/lib/order-events.js';
import { connect, settled, waitFor } from './support.js';

const app = connect();

type Destination = RouteQueueName | 'outcomes' | 'saga';
interface Row {
  readonly name: string;
  readonly orderId: string;
  /** The type of the event sent (the analytics consumer records facts by type). */
  readonly detailType: string;
  readonly send: () => Promise<void>;
  readonly reaches: readonly Destination[];
}

const placed = (name: string, data: Parameters<typeof orderPlacedData>[0], reaches: Destination[]): Row => {
  const request = placeOrder(data);
  return {
    name,
    orderId: request.data.orderId,
    detailType: ORDER_PLACED_DETAIL_TYPE,
    send: async () => void (await app.publisher.publish([request])),
    reaches,
  };
};
const raw = (
  name: string,
  mutate: (data: Record<string, unknown>) => void,
  reaches: Destination[],
  source = ORDERS_SOURCE,
  detailType = ORDER_PLACED_DETAIL_TYPE,
): Row => {
  const data = orderPlacedData() as unknown as Record<string, unknown>;
  mutate(data);
  const metadata = {
    eventId: newOrderId('evt'),
    eventVersion: '1',
    correlationId: 'c',
    causationId: 'c',
    occurredAt: new Date().toISOString(),
    idempotencyKey: `${data.orderId}:placed`,
  };
  return {
    name,
    orderId: String(data.orderId),
    detailType,
    send: () => app.putRaw([{ source, detailType, detail: { metadata, data } }]),
    reaches,
  };
};

// Each row: an event, and exactly the destinations its content must reach. `outcomes` is the
// SNS fan-out (observed through the consumers' ledger); `saga` is the fulfilment saga's intake
// route (observed as a started execution, or, for a body its starter rejects, in its DLQ); a
// route queue is observed through its consumer: the effect it left for the order (for analytics,
// a fact of the event's own type: the saga's outcome events take that route too), or, for a body
// the consumer rejects, the message in the route's DLQ.
const ROWS: Row[] = [
  placed('a regular web order', { total: 120 }, ['saga', 'analytics']),
  placed('an order of exactly 1000 (numeric boundary)', { total: 1000 }, [
    'saga',
    'fraudReview',
    'analytics',
  ]),
  placed('an order of 999.99 from a regular customer', { total: 999.99 }, ['saga', 'analytics']),
  placed('a new customer at exactly 500 (open range)', { total: 500, customerTier: 'new' }, [
    'saga',
    'analytics',
  ]),
  placed('a new customer at 500.01 ($or, second branch)', { total: 500.01, customerTier: 'new' }, [
    'saga',
    'fraudReview',
    'analytics',
  ]),
  placed('a partner channel (prefix)', { channel: 'partner-acme' }, ['saga', 'partner', 'analytics']),
  placed('a channel that only resembles a partner', { channel: 'partnerships' }, ['saga', 'analytics']),
  placed('a unicode partner channel', { channel: 'partner-münchen-✓' }, ['saga', 'partner', 'analytics']),
  placed(
    'a gift SKU among other lines (suffix inside an array)',
    {
      items: [
        { sku: 'BOOK-001', quantity: 1, unitPrice: 10 },
        { sku: 'MUG-GIFT', quantity: 1, unitPrice: 12 },
      ],
      total: 22,
    },
    ['saga', 'giftWrap', 'analytics'],
  ),
  placed(
    'a gift SKU with a coupon (not exists fails)',
    { items: [{ sku: 'MUG-GIFT', quantity: 1, unitPrice: 12 }], total: 12, couponCode: 'XMAS' },
    ['saga', 'promotions', 'analytics'],
  ),
  placed('a coupon (exists)', { couponCode: 'WELCOME10' }, ['saga', 'promotions', 'analytics']),
  placed('large test traffic (anything-but)', { channel: 'test', total: 5000 }, ['saga', 'fraudReview']),
  raw(
    'a total sent as a string (wrong type: no numeric match)',
    (d) => {
      d.total = '1500';
    },
    ['saga', 'analytics'],
  ),
  raw(
    'no channel at all (missing field: anything-but does not match)',
    (d) => {
      delete d.channel;
    },
    ['saga'],
  ),
  raw('OrderPlaced from another source', () => {}, [], 'com.example.elsewhere'),
  raw(
    'an OrderStatusChanged (no channel: no route takes it)',
    (d) => {
      for (const key of Object.keys(d)) if (key !== 'orderId') delete d[key];
      Object.assign(d, { status: 'SHIPPED', sequence: 4 });
    },
    [],
    ORDERS_SOURCE,
    ORDER_STATUS_CHANGED_DETAIL_TYPE,
  ),
  (() => {
    const request = confirmOrder({ total: 150 });
    return {
      name: 'an OrderConfirmed (to the fan-out and analytics)',
      orderId: request.data.orderId,
      detailType: ORDER_CONFIRMED_DETAIL_TYPE,
      send: async () => void (await app.publisher.publish([request])),
      reaches: ['outcomes', 'analytics'],
    } satisfies Row;
  })(),
];

describe('the orders bus routes each event to exactly the targets its content selects', () => {
  const received = new Map<string, Set<Destination>>();
  const record = (orderId: string, where: Destination) => {
    const seen = received.get(orderId) ?? new Set<Destination>();
    seen.add(where);
    received.set(orderId, seen);
  };
  const recordSagaIntake = async () => {
    const rejected = await app.peek(app.sagaOutput('SagaIntakeDlqUrl'));
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
