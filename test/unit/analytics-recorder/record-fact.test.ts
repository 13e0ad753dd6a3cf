import { describe, expect, it, vi } from 'vitest';
import { orderCancelled, orderConfirmed } from '../../../contracts/samples.js';
import {
  type FactStore,
  type OrderFact,
  recordFact,
  toFact,
} from '../../../lambdas/analytics-recorder/record-fact.js';

describe('toFact', () => {
  it('flattens an OrderConfirmed into a fact', () => {
    const event = orderConfirmed({ orderId: 'ord-1', total: 120.5, currency: 'USD', channel: 'mobile' });
    expect(toFact(event)).toEqual({
      orderId: 'ord-1',
      outcome: 'OrderConfirmed',
      total: 120.5,
      currency: 'USD',
      channel: 'mobile',
      occurredAt: event.detail.metadata.occurredAt,
      eventId: event.detail.metadata.eventId,
    });
  });

  it('gives a confirmation no cancellationReason at all', () => {
    expect(toFact(orderConfirmed())).not.toHaveProperty('cancellationReason');
  });

  it('flattens an OrderCancelled into a fact with its cancellation reason', () => {
    const event = orderCancelled({
      orderId: 'ord-2',
      total: 80,
      reason: 'OUT_OF_STOCK',
      channel: 'partner-acme',
    });
    expect(toFact(event)).toEqual({
      orderId: 'ord-2',
      outcome: 'OrderCancelled',
      total: 80,
      currency: 'EUR',
      channel: 'partner-acme',
      cancellationReason: 'OUT_OF_STOCK',
      occurredAt: event.detail.metadata.occurredAt,
      eventId: event.detail.metadata.eventId,
    });
  });
});

describe('recordFact', () => {
  it('appends the fact to the store once and returns it', async () => {
    const append = vi.fn(async (_fact: OrderFact) => undefined);
    const store: FactStore = { append };
    const event = orderCancelled();

    const fact = await recordFact(event, store);

    expect(append).toHaveBeenCalledExactlyOnceWith(toFact(event));
    expect(fact).toEqual(toFact(event));
  });

  it('fails when the store fails, so the record is retried', async () => {
    const store: FactStore = { append: async () => Promise.reject(new Error('throttled')) };
    await expect(recordFact(orderConfirmed(), store)).rejects.toThrow('throttled');
  });
});
