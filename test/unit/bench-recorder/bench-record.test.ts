import { describe, expect, it } from 'vitest';
import { orderConfirmed } from '../../../contracts/samples.js';
import {
  type BenchStore,
  type EffectItem,
  type InvocationItem,
  invocationItem,
  recordEffect,
} from '../../../lambdas/bench-recorder/bench-record.js';

class MemoryStore implements BenchStore {
  readonly items: (EffectItem | InvocationItem)[] = [];
  async put(item: EffectItem | InvocationItem): Promise<void> {
    this.items.push(item);
  }
}

describe('recordEffect', () => {
  it('writes the effect under its variant, keyed by order and event, with the time', async () => {
    const store = new MemoryStore();
    const event = orderConfirmed({ orderId: 'b1-0001' });

    await recordEffect(event, 'low-latency', store, () => 1_700_000_000_123);

    expect(store.items).toEqual([
      {
        pk: 'EFFECT#low-latency',
        sk: `b1-0001#${event.detail.metadata.eventId}`,
        orderId: 'b1-0001',
        recordedAt: 1_700_000_000_123,
      },
    ]);
  });
});

describe('invocationItem', () => {
  it('keys an invocation by its start time, so a time window is a key range', () => {
    const item = invocationItem(
      'eventbridge',
      'req-1',
      7,
      Date.UTC(2026, 10, 27, 10),
      Date.UTC(2026, 10, 27, 10) + 42,
    );
    expect(item).toEqual({
      pk: 'INVOCATION#eventbridge',
      sk: '2026-11-27T10:00:00.000Z#req-1',
      records: 7,
      startedAt: Date.UTC(2026, 10, 27, 10),
      durationMs: 42,
    });
  });
});
