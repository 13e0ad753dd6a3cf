import {
  type AnalyticsEvent,
  type CouponOrder,
  type FraudReviewEvent,
  type GiftOrder,
  isGiftSku,
  PARTNER_CHANNEL_PREFIX,
  type PartnerOrder,
} from '../../contracts/route-events.js';

/** Where the effect came from: the event's business key, its id and time. */
interface Cause {
  readonly orderId: string;
  /** The event's idempotency key: the business fact this is the effect of. */
  readonly idempotencyKey: string;
  readonly eventId: string;
  readonly occurredAt: string;
}

/** A fraud review case, opened for a risky order (one per order). */
export interface ReviewCase extends Cause {
  readonly kind: 'REVIEW';
  readonly status: 'OPEN';
  readonly customerId: string;
  readonly customerTier: string;
  readonly total: number;
  readonly currency: string;
}

/** An order handed to the partner whose channel it came from, to fulfil. */
export interface PartnerForward extends Cause {
  readonly kind: 'PARTNER';
  readonly partner: string;
  readonly items: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
  readonly total: number;
  readonly currency: string;
}

/** An order marked for gift wrapping, with the SKUs to wrap. */
export interface GiftWrap extends Cause {
  readonly kind: 'GIFT_WRAP';
  readonly skus: readonly string[];
}

/** One use of a coupon, by one order. */
export interface CouponUse extends Cause {
  readonly kind: 'COUPON';
  readonly couponCode: string;
  readonly customerId: string;
  readonly total: number;
  readonly currency: string;
}

/** A flat analytics row for one order event. */
export interface OrderFact extends Cause {
  readonly kind: 'FACT';
  readonly eventType: AnalyticsEvent['detail-type'];
  readonly total: number;
  readonly currency: string;
  readonly channel: string;
}

export type RouteEffect = ReviewCase | PartnerForward | GiftWrap | CouponUse | OrderFact;
export type RouteEffectKind = RouteEffect['kind'];

/**
 * Port: where the route consumers leave their effects. `record` keeps the first effect of each
 * key and ignores a repeat, so a redelivery that got past the idempotency layer cannot count
 * twice (see effect-keys.ts for what each effect is keyed by).
 */
export interface RouteEffectStore {
  record(effect: RouteEffect): Promise<void>;
}

const causeOf = (event: {
  detail: { data: { orderId: string }; metadata: Omit<Cause, 'orderId'> };
}): Cause => ({
  orderId: event.detail.data.orderId,
  idempotencyKey: event.detail.metadata.idempotencyKey,
  eventId: event.detail.metadata.eventId,
  occurredAt: event.detail.metadata.occurredAt,
});

const recorded = async <T extends RouteEffect>(effect: T, store: RouteEffectStore): Promise<T> => {
  await store.record(effect);
  return effect;
};

/** Fraud review: open a case for the order, for a reviewer to clear or cancel. */
export function openReviewCase(event: FraudReviewEvent, store: RouteEffectStore): Promise<ReviewCase> {
  const { customerId, customerTier, total, currency } = event.detail.data;
  return recorded(
    { kind: 'REVIEW', status: 'OPEN', ...causeOf(event), customerId, customerTier, total, currency },
    store,
  );
}

/** Partner hand-off: forward the order to the partner named by its channel. */
export function forwardToPartner(event: PartnerOrder, store: RouteEffectStore): Promise<PartnerForward> {
  const { channel, items, total, currency } = event.detail.data;
  return recorded(
    {
      kind: 'PARTNER',
      ...causeOf(event),
      partner: channel.slice(PARTNER_CHANNEL_PREFIX.length),
      items: items.map(({ sku, quantity }) => ({ sku, quantity })),
      total,
      currency,
    },
    store,
  );
}

/** Gift wrap: mark the order for wrapping, naming each gift SKU once. */
export function markGiftWrap(event: GiftOrder, store: RouteEffectStore): Promise<GiftWrap> {
  const skus = [...new Set(event.detail.data.items.map((line) => line.sku).filter(isGiftSku))];
  return recorded({ kind: 'GIFT_WRAP', ...causeOf(event), skus }, store);
}

/** Promotions: record that the order used its coupon, and for what total. */
export function recordCouponUse(event: CouponOrder, store: RouteEffectStore): Promise<CouponUse> {
  const { couponCode, customerId, total, currency } = event.detail.data;
  return recorded({ kind: 'COUPON', ...causeOf(event), couponCode, customerId, total, currency }, store);
}

/** Analytics: record the event as a fact (type, order, total, channel). */
export function recordOrderFact(event: AnalyticsEvent, store: RouteEffectStore): Promise<OrderFact> {
  const { total, currency, channel } = event.detail.data;
  return recorded(
    { kind: 'FACT', eventType: event['detail-type'], ...causeOf(event), total, currency, channel },
    store,
  );
}
