import * as z from 'zod/mini';
import { AmountSchema, CurrencySchema, idSchema } from '../events/envelope.js';
import { CancellationReasonSchema } from '../events/order-cancelled.js';
import { SagaOrderSchema } from '../saga-state.js';

/**
 * The Order aggregate's domain events: the facts the fulfilment service persists about one
 * order, in the order they happened. They stay inside the service (the event store); what
 * other services hear about comes from the integration events in contracts/events, which the
 * outbox writes beside the domain events that cause them.
 *
 * Each is `{ type, data }`; the store adds the order id, the version and the time.
 */
const domainEvent = <T extends string, D extends z.ZodMiniType>(type: T, data: D) =>
  z.object({ type: z.literal(type), data });

/** The integration event that started a flow: what the events it causes carry as causation. */
const CauseSchema = z.object({ eventId: idSchema('eventId'), correlationId: idSchema('correlationId') });

const StockLineSchema = z.object({ sku: idSchema('sku'), quantity: z.number().check(z.int(), z.positive()) });

export const OrderDomainEventSchema = z.discriminatedUnion('type', [
  /**
   * The order entered fulfilment, as the saga carries it (a payment token reference, never a
   * token), with the OrderPlaced integration event that caused it: the outcome events the
   * outbox writes later name it as their cause.
   */
  domainEvent('OrderPlaced', z.object({ order: SagaOrderSchema, cause: CauseSchema })),
  domainEvent('StockReserved', z.object({ lines: z.array(StockLineSchema).check(z.minLength(1)) })),
  domainEvent('StockRefused', z.object({ reason: z.literal('OUT_OF_STOCK') })),
  /** Compensation of StockReserved. */
  domainEvent('StockReleased', z.object({})),
  domainEvent('PaymentAuthorized', z.object({ amount: AmountSchema, currency: CurrencySchema })),
  domainEvent('PaymentDeclined', z.object({ reason: z.literal('PAYMENT_DECLINED') })),
  /** Compensation of PaymentAuthorized. */
  domainEvent('PaymentVoided', z.object({})),
  domainEvent('ShipmentCreated', z.object({ country: z.string().check(z.regex(/^[A-Z]{2}$/)) })),
  domainEvent('ShipmentRefused', z.object({ reason: z.literal('SHIPPING_UNAVAILABLE') })),
  /** Compensation of ShipmentCreated. */
  domainEvent('ShipmentCancelled', z.object({})),
  /** ConfirmOrder faulted for good and had not landed: a late confirmation must now fail. */
  domainEvent('ConfirmationBarred', z.object({})),
  domainEvent('OrderConfirmed', z.object({})),
  /** The saga gave the order up: the step that failed and why, after its compensations. */
  domainEvent(
    'OrderCancelled',
    z.object({ step: z.string().check(z.minLength(1)), reason: CancellationReasonSchema }),
  ),
]);
export type OrderDomainEvent = z.infer<typeof OrderDomainEventSchema>;
export type OrderDomainEventType = OrderDomainEvent['type'];

/** Every domain event type, for the catalog and for exhaustive checks. */
export const ORDER_DOMAIN_EVENT_TYPES = OrderDomainEventSchema.def.options.map(
  (o) => o.shape.type.def.values[0],
) as readonly OrderDomainEventType[];
