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
}

function contract<TData extends z.ZodMiniType, TEvent extends z.ZodMiniType>(
  source: string,
  detailType: string,
  version: string,
  data: TData,
  event: TEvent,
): EventContract<TData, TEvent> {
  return { source, detailType, version, data, event };
}

export const OrderPlacedContract = contract(
  ORDER_PLACED_SOURCE,
  ORDER_PLACED_DETAIL_TYPE,
  ORDER_PLACED_VERSION,
  OrderPlacedDataSchema,
  OrderPlacedSchema,
);
export const OrderConfirmedContract = contract(
  ORDER_CONFIRMED_SOURCE,
  ORDER_CONFIRMED_DETAIL_TYPE,
  ORDER_CONFIRMED_VERSION,
  OrderConfirmedDataSchema,
  OrderConfirmedSchema,
);
export const OrderCancelledContract = contract(
  ORDER_CANCELLED_SOURCE,
  ORDER_CANCELLED_DETAIL_TYPE,
  ORDER_CANCELLED_VERSION,
  OrderCancelledDataSchema,
  OrderCancelledSchema,
);
export const OrderStatusChangedContract = contract(
  ORDER_STATUS_CHANGED_SOURCE,
  ORDER_STATUS_CHANGED_DETAIL_TYPE,
  ORDER_STATUS_CHANGED_VERSION,
  OrderStatusChangedDataSchema,
  OrderStatusChangedSchema,
);

/** Every event contract of the system: JSON Schema generation, registry and fixture gate read this. */
export const EVENT_CATALOG: readonly EventContract[] = [
  OrderPlacedContract,
  OrderConfirmedContract,
  OrderCancelledContract,
  OrderStatusChangedContract,
];

export { EventMetadataSchema };
