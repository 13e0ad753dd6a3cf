import type { OrderOutcome } from '../../contracts/events/order-outcome.js';

/** A flat row for the analytics store: one per order outcome. */
export interface OrderFact {
  readonly orderId: string;
  readonly outcome: OrderOutcome['detail-type'];
  readonly total: number;
  readonly currency: string;
  readonly channel: string;
  readonly cancellationReason?: string;
  readonly occurredAt: string;
  readonly eventId: string;
}

/** Port: append-only fact store. */
export interface FactStore {
  append(fact: OrderFact): Promise<void>;
}

export function toFact(event: OrderOutcome): OrderFact {
  const { data, metadata } = event.detail;
  return {
    orderId: data.orderId,
    outcome: event['detail-type'],
    total: data.total,
    currency: data.currency,
    channel: data.channel,
    ...(event['detail-type'] === 'OrderCancelled' ? { cancellationReason: event.detail.data.reason } : {}),
    occurredAt: metadata.occurredAt,
    eventId: metadata.eventId,
  };
}

export async function recordFact(event: OrderOutcome, store: FactStore): Promise<OrderFact> {
  const fact = toFact(event);
  await store.append(fact);
  return fact;
}
