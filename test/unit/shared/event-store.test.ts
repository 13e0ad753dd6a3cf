import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  appendWithRetry,
  ConcurrencyError,
  EventStoreClient,
  snapshotKey,
  TransactionTooLargeError,
} from '../../../lambdas/shared/event-store.js';
import { FakeEventTable } from '../support/fake-event-table.js';

// A counter aggregate: its events add to a total, which is what snapshots keep.
const Added = z.object({ type: z.literal('Added'), amount: z.number().check(z.int()) });
type Added = z.infer<typeof Added>;
const fold = {
  initial: () => ({ total: 0, count: 0 }),
  apply: (s: { total: number; count: number }, e: Added) => ({
    total: s.total + e.amount,
    count: s.count + 1,
  }),
};
const add = (amount: number): Added => ({ type: 'Added', amount });

function store(snapshotEvery = 0) {
  const table = new FakeEventTable();
  let n = 0;
  const events = new EventStoreClient(table, {
    tableName: 'events',
    schema: Added,
    fold,
    snapshotEvery,
    now: () => '2026-12-03T08:00:00.000Z',
    newId: () => `evt-${++n}`,
  });
  return { table, events };
}

describe('EventStoreClient', () => {
  it('appends several events in one transaction at consecutive versions, the outbox on the last', async () => {
    const { table, events } = store();
    const version = await events.append({
      aggregateId: 'a',
      expectedVersion: 0,
      events: [add(1), add(2)],
      outbox: [{ kind: 'bus' }],
    });
    expect(version).toBe(2);
    expect(table.transactions).toBe(1);
    const loaded = await events.load('a');
    expect(loaded.events.map((e) => [e.version, e.eventId, e.outbox])).toEqual([
      [1, 'evt-1', undefined],
      [2, 'evt-2', [{ kind: 'bus' }]],
    ]);
    expect(loaded).toMatchObject({ version: 2, state: { total: 3, count: 2 } });
  });

  it('fails a stale append with a ConcurrencyError that names the aggregate and both versions', async () => {
    const { events } = store();
    await events.append({ aggregateId: 'a', expectedVersion: 0, events: [add(1), add(1), add(1)] });
    await expect(events.append({ aggregateId: 'a', expectedVersion: 1, events: [add(5)] })).rejects.toThrow(
      new ConcurrencyError('a', 1, 3),
    );
    expect((await events.load('a')).state.total).toBe(3);
  });

  it('refuses an append past the latest version, so no gap can open', async () => {
    const { table, events } = store();
    await events.append({ aggregateId: 'a', expectedVersion: 0, events: [add(1)] });
    await expect(events.append({ aggregateId: 'a', expectedVersion: 4, events: [add(1)] })).rejects.toThrow(
      new ConcurrencyError('a', 4, 1),
    );
    expect([...table.items.keys()]).toEqual(['a|1']);
  });

  it('refuses a malformed event with the reason, and writes none of the append', async () => {
    const { table, events } = store();
    await expect(
      events.append({
        aggregateId: 'a',
        expectedVersion: 0,
        events: [add(1), { type: 'Added', amount: 1.5 } as Added],
      }),
    ).rejects.toThrow(/^event 2 of the append to a is invalid: amount: /);
    expect(table.items.size).toBe(0);
  });

  it('refuses an append larger than one transaction before sending anything', async () => {
    const { table, events } = store();
    await events.append({ aggregateId: 'a', expectedVersion: 0, events: [add(1)] });
    const hundred = Array.from({ length: 100 }, () => add(1));
    await expect(events.append({ aggregateId: 'a', expectedVersion: 1, events: hundred })).rejects.toThrow(
      TransactionTooLargeError,
    );
    await expect(events.append({ aggregateId: 'a', expectedVersion: 1, events: hundred })).rejects.toThrow(
      /needs 101 transaction items; DynamoDB takes at most 100/,
    );
    expect(table.transactions).toBe(1);
  });

  it('writes a snapshot when an append crosses a multiple of snapshotEvery, and loads from it', async () => {
    const { table, events } = store(3);
    let loaded = await events.load('a');
    await events.append({ aggregateId: 'a', expectedVersion: 0, events: [add(1), add(2)] }, loaded);
    loaded = await events.load('a');
    await events.append({ aggregateId: 'a', expectedVersion: 2, events: [add(4), add(8)] }, loaded);
    expect(table.items.get(`${snapshotKey('a')}|3`)).toMatchObject({ state: { total: 7, count: 3 } });
    const after = await events.load('a');
    expect(after).toMatchObject({ version: 4, snapshotVersion: 3, state: { total: 15, count: 4 } });
    expect(after.events.map((e) => e.version)).toEqual([4]);
  });
});

describe('appendWithRetry', () => {
  it('gives 20 concurrent writers one winner per version, no gaps, and a consistent end', async () => {
    const { events } = store(5);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        appendWithRetry(events, 'a', () => ({ events: [add(i + 1)] }), { maxAttempts: 25 }),
      ),
    );
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(results.some((r) => r.attempts > 1)).toBe(true);
    const loaded = await events.load('a');
    expect(loaded).toMatchObject({ version: 20, state: { total: 210, count: 20 } });
  });

  it('appends nothing when the decision is that nothing is left to do', async () => {
    const { table, events } = store();
    await events.append({ aggregateId: 'a', expectedVersion: 0, events: [add(1)] });
    const result = await appendWithRetry(events, 'a', (loaded) =>
      loaded.state.total >= 1 ? undefined : { events: [add(1)] },
    );
    expect(result).toEqual({ version: 1, appended: 0, attempts: 1 });
    expect(table.transactions).toBe(1);
  });

  it('gives up after maxAttempts conflicts with the last ConcurrencyError', async () => {
    const { events } = store();
    // Every decision is overtaken by another writer's append before it lands.
    const original = events.append.bind(events);
    let rivals = 0;
    events.append = async (append, current) => {
      rivals += 1;
      await original({
        aggregateId: 'a',
        expectedVersion: (await events.load('a')).version,
        events: [add(1)],
      });
      return original(append, current);
    };
    const decide = () => ({ events: [add(100)] });
    await expect(appendWithRetry(events, 'a', decide, { maxAttempts: 3 })).rejects.toThrow(ConcurrencyError);
    expect(rivals).toBe(3);
    expect((await events.load('a')).state.total).toBe(3);
  });
});
