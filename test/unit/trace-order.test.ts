import { describe, expect, it } from 'vitest';
import { parseLogLine } from '../../scripts/trace/log-records.js';
import { type TraceSources, traceWith } from '../../scripts/trace/trace.js';

const relayLine = (orderId: string, correlationId: string, version: number) => {
  const text = JSON.stringify({
    level: 'INFO',
    message: 'Relaying outbox',
    timestamp: `2026-12-03T10:00:0${version}.000Z`,
    orderId,
    correlationId,
    eventId: `evt-${version}`,
    version,
    entries: ['status-stream:OrderStatusChanged'],
  });
  const record = parseLogLine(text, '/aws/lambda/relay');
  if (!record) throw new Error('fixture line did not parse');
  return record;
};

/** Sources that know one order's relay lines (one per flow) and nothing else; they count the reads. */
function fakeSources(known: ReturnType<typeof relayLine>[]) {
  const reads: string[] = [];
  const sources: TraceSources = {
    source: 'emulator',
    topology: { logGroups: new Map(), queues: new Map() },
    read: async (id) => {
      reads.push(id);
      return known.filter((r) => r.fields.orderId === id || r.fields.correlationId === id);
    },
    saga: async () => undefined,
    store: async () => [],
    audit: async () => [],
    saleCounted: async () => false,
    deadLetters: async () => [],
  };
  return { sources, reads };
}

describe('traceWith', () => {
  const lines = [relayLine('ord-1', 'corr-placed', 1), relayLine('ord-1', 'corr-other', 2)];

  it('gives undefined for an id that no line, saga or store knows', async () => {
    expect(await traceWith('ord-unknown', fakeSources(lines).sources)).toBeUndefined();
  });

  it("traces the whole order when asked for one of its flows' correlationId", async () => {
    const { sources, reads } = fakeSources(lines);
    const trace = await traceWith('corr-placed', sources);
    expect(reads).toEqual(['corr-placed', 'ord-1']);
    expect(trace).toMatchObject({ id: 'corr-placed', orderId: 'ord-1' });
    expect(trace?.hops.map((h) => h.details?.version)).toEqual([1, 2]);
  });

  it('reads once when asked for an order id', async () => {
    const { sources, reads } = fakeSources(lines);
    await traceWith('ord-1', sources);
    expect(reads).toEqual(['ord-1']);
  });

  it('traces an order that only its store knows (its lines have expired)', async () => {
    const { sources } = fakeSources([]);
    const trace = await traceWith('ord-2', {
      ...sources,
      store: async () => [
        { version: 1, occurredAt: '2026-12-03T10:00:00.000Z', eventId: 'e-1', type: 'OrderPlaced' },
      ],
    });
    expect(trace?.hops.map((h) => h.kind)).toEqual(['store-append']);
  });

  it('gives a read to each order log group whose store has the order, from the audit trail and the sale', async () => {
    const { sources } = fakeSources(lines);
    const audit = [
      {
        eventId: 'evt-2',
        detailType: 'OrderConfirmed',
        occurredAt: '2026-12-03T10:00:02.000Z',
        partition: 1,
        offset: 7,
      },
    ];
    const read = async (saleCounted: boolean) =>
      (
        await traceWith('ord-1', {
          ...sources,
          audit: async () => audit,
          saleCounted: async () => saleCounted,
        })
      )?.hops
        .filter((h) => h.kind === 'kafka-consume')
        .map((h) => h.where);
    expect(await read(true)).toEqual(['order-audit', 'sales-per-minute']);
    expect(await read(false)).toEqual(['order-audit']);
  });
});
