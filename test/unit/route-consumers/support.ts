import { vi } from 'vitest';
import type { OrderPlaced } from '../../../contracts/events/order-placed.js';
import type { FraudReviewEvent } from '../../../contracts/route-events.js';
import type { RouteEffect, RouteEffectStore } from '../../../lambdas/route-consumers/route-effects.js';

/** A store that remembers what it was given. */
export function recordingStore(): { store: RouteEffectStore; record: ReturnType<typeof vi.fn> } {
  const record = vi.fn(async (_effect: RouteEffect) => undefined);
  return { store: { record }, record };
}

/** A store that fails as DynamoDB would when throttled. */
export const failingStore: RouteEffectStore = {
  record: async () => Promise.reject(new Error('throttled')),
};

/** What the fraud-review route's input transformer makes of an OrderPlaced. */
export function slimmed(event: OrderPlaced): FraudReviewEvent {
  const { orderId, customerId, customerTier, total, currency } = event.detail.data;
  return {
    source: event.source,
    'detail-type': event['detail-type'],
    detail: { metadata: event.detail.metadata, data: { orderId, customerId, customerTier, total, currency } },
  };
}
