import type { RouteEffect, RouteEffectKind } from './route-effects.js';

/**
 * Key layout of the route effects table (pk/sk, owned by the OrderEvents stack): what each bus
 * route's consumer did, per order, so that the effect of every routed event can be observed.
 *
 *   ORDER#<orderId>   REVIEW                              the order's fraud review case (one per order)
 *   ORDER#<orderId>   PARTNER#<partner>                   the order forwarded to the partner
 *   ORDER#<orderId>   GIFT_WRAP                           the order marked for gift wrapping
 *   ORDER#<orderId>   COUPON#<couponCode>                 the coupon's use by the order
 *   ORDER#<orderId>   FACT#<eventType>#<idempotencyKey>   an analytics fact of one order event
 *
 * Effects are keyed by what they are the effect of (the order, or the event's business key,
 * never the delivery) and written only if absent, so a repeat that got past the idempotency
 * layer cannot count twice. The first segment of `sk` is the effect's `kind`. All of them sit
 * under the order, so one query shows what the routes did with it; a per-coupon or per-partner
 * view would be an index on `couponCode` or `partner`.
 */
export const effectKeys = {
  order: (orderId: string) => `ORDER#${orderId}`,
  review: 'REVIEW',
  partner: (partner: string) => `PARTNER#${partner}`,
  giftWrap: 'GIFT_WRAP',
  coupon: (couponCode: string) => `COUPON#${couponCode}`,
  fact: (eventType: string, idempotencyKey: string) => `FACT#${eventType}#${idempotencyKey}`,
} as const;

/** The sort key of an effect. */
export function effectSortKey(effect: RouteEffect): string {
  switch (effect.kind) {
    case 'REVIEW':
      return effectKeys.review;
    case 'PARTNER':
      return effectKeys.partner(effect.partner);
    case 'GIFT_WRAP':
      return effectKeys.giftWrap;
    case 'COUPON':
      return effectKeys.coupon(effect.couponCode);
    case 'FACT':
      return effectKeys.fact(effect.eventType, effect.idempotencyKey);
  }
}

export const EFFECT_KINDS: readonly RouteEffectKind[] = ['REVIEW', 'PARTNER', 'GIFT_WRAP', 'COUPON', 'FACT'];

/** The kind of an item of the table, read from its sort key. */
export const kindOfSortKey = (sk: string): RouteEffectKind | undefined => {
  const kind = sk.split('#')[0];
  return EFFECT_KINDS.find((k) => k === kind);
};
