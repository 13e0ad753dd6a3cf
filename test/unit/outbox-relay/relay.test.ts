import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../../contracts/domain/outbox.js';
import { orderCancelled, orderConfirmed, orderStatusChanged } from '../../../contracts/samples.js';
import { type RelayPorts, relayRecords, type StoreRecord } from '../../../lambdas/outbox-relay/relay.js';

/** Ports that record what was sent where, in order; `failOn` makes one publish reject. */
function ports(failOn?: string, logFails = false) {
  const sent: string[] = [];
  const logged: Array<{ key: string; detailType: string | undefined; eventId: string }> = [];
  const dead: Array<{ recordId: string; reason: string }> = [];
  const p: RelayPorts = {
    putOnBus: async (event) => {
      if (event.detail.metadata.eventId === failOn) throw new Error('PutEvents: 1 entry failed');
      sent.push(`bus:${event['detail-type']}:${event.detail.data.orderId}`);
    },
    publishStatus: async (event) => {
      sent.push(`status:${event.detail.data.status}:${event.detail.data.orderId}`);
    },
    appendToLog: async (records) => {
      if (logFails) throw new Error('KafkaJSNumberOfRetriesExceeded: the broker is unreachable');
      for (const r of records) {
        const event = JSON.parse(r.value) as { detail: { metadata: { eventId: string } } };
        logged.push({
          key: r.key,
          detailType: r.headers['detail-type'],
          eventId: event.detail.metadata.eventId,
        });
      }
    },
    deadLetter: async (record, reason) => {
      dead.push({ recordId: record.recordId, reason });
    },
  };
  return { p, sent, dead, logged };
}

const insert = (recordId: string, outbox?: unknown): StoreRecord => ({
  eventName: 'INSERT',
  recordId,
  newImage: {
    aggregateId: 'ord-1',
    version: 1,
    event: { type: 'X' },
    ...(outbox === undefined ? {} : { outbox }),
  },
});
const confirmed = (orderId: string): OutboxEntry => ({
  destination: 'bus',
  event: orderConfirmed({ orderId }),
});
const status = (orderId: string, s: 'PLACED' | 'CANCELLED', n: number): OutboxEntry => ({
  destination: 'status-stream',
  event: orderStatusChanged(orderId, s, n),
});

describe('the outbox relay', () => {
  it('publishes every outbox entry in stream order, each where it goes', async () => {
    const { p, sent } = ports();
    const report = await relayRecords(
      [
        insert('r1', [status('ord-1', 'PLACED', 1)]),
        insert('r2', [
          { destination: 'bus', event: orderCancelled({ orderId: 'ord-1' }) },
          status('ord-1', 'CANCELLED', 2),
        ]),
        insert('r3', [confirmed('ord-2')]),
      ],
      p,
    );
    expect(sent).toEqual([
      'status:PLACED:ord-1',
      'bus:OrderCancelled:ord-1',
      'status:CANCELLED:ord-1',
      'bus:OrderConfirmed:ord-2',
    ]);
    expect(report).toEqual({ published: 4, logged: 4, deadLettered: 0, skipped: 0 });
  });

  it('skips what has nothing to relay: events without an outbox, snapshots, updates and removals', async () => {
    const { p, sent } = ports();
    const report = await relayRecords(
      [
        insert('r1'),
        { eventName: 'MODIFY', recordId: 'r2', newImage: { outbox: [confirmed('ord-1')] } },
        { eventName: 'REMOVE', recordId: 'r3' },
      ],
      p,
    );
    expect(sent).toEqual([]);
    expect(report.skipped).toBe(3);
  });

  it('dead-letters a record whose outbox breaks the contract, with the reason, and relays the records after it', async () => {
    const { p, sent, dead } = ports();
    const broken = {
      destination: 'bus',
      event: { ...orderConfirmed({ orderId: 'ord-1' }), 'detail-type': 'OrderShipped' },
    };
    const report = await relayRecords([insert('r1', [broken]), insert('r2', [confirmed('ord-2')])], p);
    expect(dead).toEqual([{ recordId: 'r1', reason: expect.stringMatching(/^outbox entry 1: /) }]);
    expect(sent).toEqual(['bus:OrderConfirmed:ord-2']);
    expect(report).toEqual({ published: 1, logged: 1, deadLettered: 1, skipped: 0 });
  });

  it('dead-letters an outbox that is not a list', async () => {
    const { p, dead } = ports();
    await relayRecords([insert('r1', { destination: 'bus' })], p);
    expect(dead).toEqual([{ recordId: 'r1', reason: 'outbox is not a list' }]);
  });

  it('throws when a publish fails, after the entries before it, so that the batch comes back whole', async () => {
    const first = confirmed('ord-1');
    const second = confirmed('ord-2');
    const { p, sent } = ports(second.event.detail.metadata.eventId);
    await expect(
      relayRecords([insert('r1', [first]), insert('r2', [second]), insert('r3', [confirmed('ord-3')])], p),
    ).rejects.toThrow(/PutEvents: 1 entry failed/);
    expect(sent).toEqual(['bus:OrderConfirmed:ord-1']);
  });
});

describe('the outbox relay and the order log', () => {
  it('appends every integration event to the log after publishing it, keyed by orderId, in stream order', async () => {
    const { p, logged } = ports();
    const cancelled: OutboxEntry = { destination: 'bus', event: orderCancelled({ orderId: 'ord-1' }) };
    await relayRecords(
      [
        insert('r1', [status('ord-1', 'PLACED', 1)]),
        insert('r2', [cancelled, status('ord-1', 'CANCELLED', 2)]),
        insert('r3', [confirmed('ord-2')]),
      ],
      p,
    );
    expect(logged.map((l) => `${l.key}:${l.detailType}`)).toEqual([
      'ord-1:OrderStatusChanged',
      'ord-1:OrderCancelled',
      'ord-1:OrderStatusChanged',
      'ord-2:OrderConfirmed',
    ]);
    expect(logged[1]?.eventId).toBe(cancelled.event.detail.metadata.eventId);
  });

  it('throws when the log refuses an append, so that the batch comes back whole', async () => {
    const { p, sent, logged } = ports(undefined, true);
    await expect(
      relayRecords([insert('r1', [confirmed('ord-1')]), insert('r2', [confirmed('ord-2')])], p),
    ).rejects.toThrow(/broker is unreachable/);
    expect(sent).toEqual(['bus:OrderConfirmed:ord-1']);
    expect(logged).toEqual([]);
  });
});

describe('the outbox relay around each record', () => {
  it("publishes a record's entries inside its wrapper, one record after the other, and none for a dead letter", async () => {
    const { p, sent } = ports();
    const log: string[] = [];
    await relayRecords(
      [insert('r1', [confirmed('ord-1')]), insert('r2', 'not a list'), insert('r3', [confirmed('ord-3')])],
      p,
      async (record, entries, publish) => {
        log.push(`enter ${record.recordId} (${entries.length})`);
        await publish();
        log.push(`leave ${record.recordId} after ${sent.length} sent`);
      },
    );
    expect(log).toEqual(['enter r1 (1)', 'leave r1 after 1 sent', 'enter r3 (1)', 'leave r3 after 2 sent']);
  });
});
