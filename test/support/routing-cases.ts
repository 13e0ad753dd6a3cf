import { randomUUID } from 'node:crypto';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type * as z from 'zod/mini';
import { ORDER_CONFIRMED_DETAIL_TYPE } from '../../contracts/events/order-confirmed.js';
import { ORDER_PLACED_DETAIL_TYPE } from '../../contracts/events/order-placed.js';
import { ORDER_STATUS_CHANGED_DETAIL_TYPE } from '../../contracts/events/order-status-changed.js';
import { ORDERS_SOURCE } from '../../contracts/events/sources.js';
import {
  confirmOrder,
  newOrderId,
  orderCancelled,
  orderConfirmed,
  orderPlacedData,
  placeOrder,
} from '../../contracts/samples.js';
import { EventPublisher, type PublishRequest } from '../../lambdas/shared/publisher.js';
import type { RouteQueueName } from '../../lib/stacks/order-events-stack.js';
import type { Effect } from '../../scripts/shared/app-client.js';

// The routing cases, in one place: the integration tests send them through the emulator
// (test/integration/event-routing.test.ts, fan-out-routing.test.ts), and
// test/cdk/event-ruler.test.ts evaluates the same cases against the synthesized patterns with
// AWS's event-ruler.

/** Where a bus event can go: a route queue, the SNS fan-out (`outcomes`) or the saga's intake. */
export type BusDestination = RouteQueueName | 'outcomes' | 'saga';

/** A PutEvents entry as the test sends it, bypassing the publisher's contract check. */
export interface RawBusEntry {
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
}

/** What a case puts on the bus: a request through the publisher, or a raw entry. */
export type BusEntry = { readonly publish: PublishRequest<z.ZodMiniType> } | { readonly raw: RawBusEntry };

export interface BusRoutingCase {
  readonly name: string;
  readonly orderId: string;
  /** The type of the event sent (the analytics consumer records facts by type). */
  readonly detailType: string;
  readonly entry: BusEntry;
  /** Exactly the destinations its content must reach. */
  readonly reaches: readonly BusDestination[];
}

const placed = (
  name: string,
  data: Parameters<typeof orderPlacedData>[0],
  reaches: BusDestination[],
): BusRoutingCase => {
  const request = placeOrder(data);
  return {
    name,
    orderId: request.data.orderId,
    detailType: ORDER_PLACED_DETAIL_TYPE,
    entry: { publish: request },
    reaches,
  };
};
const raw = (
  name: string,
  mutate: (data: Record<string, unknown>) => void,
  reaches: BusDestination[],
  source = ORDERS_SOURCE,
  detailType = ORDER_PLACED_DETAIL_TYPE,
): BusRoutingCase => {
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
    entry: { raw: { source, detailType, detail: { metadata, data } } },
    reaches,
  };
};

/**
 * The bus routing cases, with new order ids on every call. Each: an event, and exactly the
 * destinations its content must reach.
 */
export function busRoutingCases(): BusRoutingCase[] {
  return [
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
        entry: { publish: request },
        reaches: ['outcomes', 'analytics'],
      } satisfies BusRoutingCase;
    })(),
  ];
}

// Builds entries only (never sends): the client is never called.
const entryBuilder = new EventPublisher(new EventBridgeClient({ region: 'us-east-1' }), {
  busName: 'orders',
});

/**
 * The event a rule on the bus sees for a case's entry: the publisher's entry (its contract
 * check and envelope) or the raw one, inside EventBridge's event envelope.
 */
export function busEventOf(entry: BusEntry): Record<string, unknown> {
  const { source, detailType, detail } =
    'raw' in entry
      ? entry.raw
      : (({ Source, DetailType, Detail }) => ({
          source: Source,
          detailType: DetailType,
          detail: JSON.parse(Detail ?? '{}') as unknown,
        }))(entryBuilder.entry(entry.publish).entry);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

export interface FanOutCase {
  readonly name: string;
  readonly event: () => ReturnType<typeof orderConfirmed | typeof orderCancelled>;
  /** Exactly the consumers whose filter policy must let it through. */
  readonly effects: Effect[];
}

/** The fan-out topic's cases: an order outcome published to the topic, and who must get it. */
export const FAN_OUT_CASES: readonly FanOutCase[] = [
  {
    name: 'confirmed web order above the loyalty threshold',
    event: () => orderConfirmed({ total: 150 }),
    effects: ['EMAIL', 'LOYALTY', 'ANALYTICS'],
  },
  {
    name: 'confirmed order exactly at the threshold (100)',
    event: () => orderConfirmed({ total: 100 }),
    effects: ['EMAIL', 'LOYALTY', 'ANALYTICS'],
  },
  {
    name: 'confirmed order just below the threshold (99.99)',
    event: () => orderConfirmed({ total: 99.99 }),
    effects: ['EMAIL', 'ANALYTICS'],
  },
  {
    name: 'confirmed order of zero',
    event: () => orderConfirmed({ total: 0 }),
    effects: ['EMAIL', 'ANALYTICS'],
  },
  {
    name: 'confirmed test-channel order',
    event: () => orderConfirmed({ total: 500, channel: 'test' }),
    effects: ['LOYALTY', 'ANALYTICS'],
  },
  {
    name: 'confirmed order from a channel that merely starts with "test"',
    event: () => orderConfirmed({ total: 500, channel: 'testing-lab' }),
    effects: ['EMAIL', 'LOYALTY', 'ANALYTICS'],
  },
  {
    name: 'confirmed order with a unicode channel',
    event: () => orderConfirmed({ total: 120, channel: 'märkt-✓' }),
    effects: ['EMAIL', 'LOYALTY', 'ANALYTICS'],
  },
  {
    name: 'cancelled order above the threshold',
    event: () => orderCancelled({ total: 500 }),
    effects: ['EMAIL', 'ANALYTICS'],
  },
  {
    name: 'cancelled test-channel order',
    event: () => orderCancelled({ channel: 'test' }),
    effects: ['ANALYTICS'],
  },
];
