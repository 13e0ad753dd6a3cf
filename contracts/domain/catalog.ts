import type { OrderStatus } from '../events/order-status-changed.js';
import type { OrderDomainEventType } from './order-events.js';

/** What the catalog says about a domain event of the Order aggregate. */
export interface DomainEventEntry {
  readonly type: OrderDomainEventType;
  readonly aggregate: 'Order';
  /** Domain events stay in the fulfilment service's event store. */
  readonly scope: 'domain';
  /** Every Order event is recorded by a step or compensation of the fulfilment saga. */
  readonly workflow: true;
  readonly summary: string;
  /** The step it undoes, for a compensation. */
  readonly compensates?: OrderDomainEventType;
  /** Integration events the outbox writes in the same transaction (detail types). */
  readonly outbox: readonly string[];
  /** The OrderStatusChanged status it publishes on the status stream, if any. */
  readonly status?: OrderStatus;
}

const entry = (
  type: OrderDomainEventType,
  summary: string,
  more: Partial<Pick<DomainEventEntry, 'compensates' | 'outbox' | 'status'>> = {},
): DomainEventEntry => ({
  type,
  aggregate: 'Order',
  scope: 'domain',
  workflow: true,
  summary,
  outbox: [...(more.outbox ?? []), ...(more.status ? ['OrderStatusChanged'] : [])],
  ...(more.compensates ? { compensates: more.compensates } : {}),
  ...(more.status ? { status: more.status } : {}),
});

/** Every domain event of the Order aggregate, in lifecycle order. */
export const DOMAIN_EVENT_CATALOG: readonly DomainEventEntry[] = [
  entry('OrderPlaced', 'The order entered fulfilment (with a payment token reference, never the token).', {
    status: 'PLACED',
  }),
  entry('StockReserved', 'Every line of the order is reserved.', { status: 'STOCK_RESERVED' }),
  entry('StockRefused', 'A line is out of stock; nothing was reserved.'),
  entry('StockReleased', 'The reservation was put back (or barred, if it had not landed).', {
    compensates: 'StockReserved',
  }),
  entry('PaymentAuthorized', "The payment provider authorized the order's total.", {
    status: 'PAYMENT_AUTHORIZED',
  }),
  entry('PaymentDeclined', 'The payment provider declined the payment.'),
  entry('PaymentVoided', 'The authorization was voided (or barred).', { compensates: 'PaymentAuthorized' }),
  entry('ShipmentCreated', 'A carrier will ship the order.', { status: 'SHIPPED' }),
  entry('ShipmentRefused', 'No carrier ships to the address.'),
  entry('ShipmentCancelled', 'The shipment was cancelled (or barred).', { compensates: 'ShipmentCreated' }),
  entry(
    'ConfirmationBarred',
    'ConfirmOrder faulted for good before it landed: no confirmation may land later.',
  ),
  entry('OrderConfirmed', 'Fulfilment is complete.', { outbox: ['OrderConfirmed'] }),
  entry('OrderCancelled', 'The saga gave the order up after its compensations, with the step and reason.', {
    outbox: ['OrderCancelled'],
    status: 'CANCELLED',
  }),
];

const STATUS_BY_TYPE: ReadonlyMap<OrderDomainEventType, OrderStatus> = new Map(
  DOMAIN_EVENT_CATALOG.flatMap((e) => (e.status ? [[e.type, e.status] as const] : [])),
);

/** The OrderStatusChanged status a domain event publishes on the status stream, if any. */
export const statusOf = (type: OrderDomainEventType): OrderStatus | undefined => STATUS_BY_TYPE.get(type);
