import type * as z from 'zod/mini';
import { EventMetadataSchema } from './envelope.js';
import {
  ORDER_CANCELLED_DETAIL_TYPE,
  ORDER_CANCELLED_SOURCE,
  ORDER_CANCELLED_VERSION,
  OrderCancelledDataSchema,
  OrderCancelledSchema,
} from './order-cancelled.js';
import {
  ORDER_CONFIRMED_DETAIL_TYPE,
  ORDER_CONFIRMED_SOURCE,
  ORDER_CONFIRMED_VERSION,
  OrderConfirmedDataSchema,
  OrderConfirmedSchema,
} from './order-confirmed.js';
import {
  ORDER_PLACED_DETAIL_TYPE,
  ORDER_PLACED_SOURCE,
  ORDER_PLACED_VERSION,
  OrderPlacedDataSchema,
  OrderPlacedSchema,
} from './order-placed.js';
import {
  ORDER_STATUS_CHANGED_DETAIL_TYPE,
  ORDER_STATUS_CHANGED_SOURCE,
  ORDER_STATUS_CHANGED_VERSION,
  OrderStatusChangedDataSchema,
  OrderStatusChangedSchema,
} from './order-status-changed.js';

/**
 * How an integration event informs: with the state a consumer needs (event-carried state
 * transfer, so it never calls back), or only that something happened (a notification).
 */
export type EventStyle = 'event-carried state transfer' | 'notification';

/** Where an integration event travels. */
export type EventChannel = 'orders-bus' | 'outcomes-topic' | 'status-stream';

/** What the catalog says about an event, beyond its schema. */
export interface EventLabels {
  /** Integration events cross service boundaries; domain events stay in their service's store. */
  readonly scope: 'integration';
  readonly style: EventStyle;
  /** One of the fulfilment saga's own events: it starts it or tells its outcome. */
  readonly workflow: boolean;
  readonly channels: readonly EventChannel[];
  readonly summary: string;
}

/** One published event contract: where it comes from, its name and version, and its schemas. */
export interface EventContract<
  TData extends z.ZodMiniType = z.ZodMiniType,
  TEvent extends z.ZodMiniType = z.ZodMiniType,
> {
  readonly source: string;
  readonly detailType: string;
  readonly version: string;
  /** The `data` part of `detail`. */
  readonly data: TData;
  /** The whole event as consumers parse it. */
  readonly event: TEvent;
  readonly labels: EventLabels;
}

function contract<TData extends z.ZodMiniType, TEvent extends z.ZodMiniType>(
  source: string,
  detailType: string,
  version: string,
  data: TData,
  event: TEvent,
  labels: Omit<EventLabels, 'scope'>,
): EventContract<TData, TEvent> {
  return { source, detailType, version, data, event, labels: { scope: 'integration', ...labels } };
}

export const OrderPlacedContract = contract(
  ORDER_PLACED_SOURCE,
  ORDER_PLACED_DETAIL_TYPE,
  ORDER_PLACED_VERSION,
  OrderPlacedDataSchema,
  OrderPlacedSchema,
  {
    style: 'event-carried state transfer',
    workflow: true,
    channels: ['orders-bus'],
    summary:
      'A customer placed an order. Starts the fulfilment saga and carries all that fraud review, partner channels and analytics route on.',
  },
);
export const OrderConfirmedContract = contract(
  ORDER_CONFIRMED_SOURCE,
  ORDER_CONFIRMED_DETAIL_TYPE,
  ORDER_CONFIRMED_VERSION,
  OrderConfirmedDataSchema,
  OrderConfirmedSchema,
  {
    style: 'event-carried state transfer',
    workflow: true,
    channels: ['orders-bus', 'outcomes-topic'],
    summary: 'The saga fulfilled the order: stock reserved, payment authorized, shipment created.',
  },
);
export const OrderCancelledContract = contract(
  ORDER_CANCELLED_SOURCE,
  ORDER_CANCELLED_DETAIL_TYPE,
  ORDER_CANCELLED_VERSION,
  OrderCancelledDataSchema,
  OrderCancelledSchema,
  {
    style: 'event-carried state transfer',
    workflow: true,
    channels: ['orders-bus', 'outcomes-topic'],
    summary: 'The saga gave the order up after its compensations; the reason says why.',
  },
);
export const OrderStatusChangedContract = contract(
  ORDER_STATUS_CHANGED_SOURCE,
  ORDER_STATUS_CHANGED_DETAIL_TYPE,
  ORDER_STATUS_CHANGED_VERSION,
  OrderStatusChangedDataSchema,
  OrderStatusChangedSchema,
  {
    style: 'notification',
    workflow: false,
    channels: ['status-stream'],
    summary:
      'An order moved to a new status; ordered per order (FIFO, message group = orderId), sequence-numbered.',
  },
);

/** Every event contract of the system: JSON Schema generation, registry and fixture gate read this. */
export const EVENT_CATALOG: readonly EventContract[] = [
  OrderPlacedContract,
  OrderConfirmedContract,
  OrderCancelledContract,
  OrderStatusChangedContract,
];

export { EventMetadataSchema };
