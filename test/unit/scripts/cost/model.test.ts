import { describe, expect, it } from 'vitest';
import { costReport, serviceUsd } from '../../../../scripts/cost/model.js';
import { PRICES } from '../../../../scripts/cost/prices.js';
import { assumptions, eventSourced, line, MILLION, SAGA, structure } from './app-fixture.js';

describe('cost model', () => {
  it('puts two events on the bus per order: the OrderPlaced and its outcome ($2 per million orders)', () => {
    const report = costReport(structure(), MILLION, assumptions);
    expect(line(report, 'custom events published').units).toBe(2 * MILLION);
    expect(line(report, 'custom events published').usd).toBeCloseTo(2, 9);
  });

  it('publishes each outcome to the topic once, whatever the number of subscriptions ($0.50 per million)', () => {
    const report = costReport(structure(), MILLION, assumptions);
    expect(line(report, 'publishes').units).toBeCloseTo(MILLION, 6);
    expect(serviceUsd(report, 'SNS')).toBeCloseTo(0.5, 9);
  });

  it('delivers to a subscription filtered on detail-type only the matching type, with no assumption needed', () => {
    const report = costReport(structure(), MILLION, assumptions);
    expect(report.queues.find((q) => q.name === 'App/Confirmed')?.messages).toBeCloseTo(0.9 * MILLION, 6);
    expect(report.queues.find((q) => q.name === 'App/Everything')?.messages).toBeCloseTo(MILLION, 6);
  });

  it('runs the consumer once per record at a low rate: 1M x 40 ms x 256 MB = 10,000 GB-s', () => {
    const consumer = costReport(structure(), MILLION, assumptions).functions.find(
      (f) => f.name === 'App/Consumer',
    );
    expect(consumer?.invocations).toBeCloseTo(MILLION, 6);
    expect(consumer?.durationMs).toBeCloseTo(40, 9);
    expect(consumer?.gbSeconds).toBeCloseTo(10_000, 6);
  });

  it('adds the idempotency records to the effect writes: 1M records x (1 + 2) WRU = $1.875', () => {
    const report = costReport(structure(), MILLION, assumptions);
    expect(line(report, 'write request units').units).toBeCloseTo(3 * MILLION, 6);
    expect(line(report, 'write request units').usd).toBeCloseTo(1.875, 9);
    expect(report.tables).toEqual([
      { name: 'App/Idempotency', reads: 0, writes: 2 * MILLION },
      { name: 'App/Ledger', reads: 0, writes: MILLION },
    ]);
  });

  it('fails, naming the queue, when a subscription filters on content and no share is assumed', () => {
    const filtered = structure({
      topics: [
        {
          name: 'App/Outcomes',
          fifo: false,
          encrypted: false,
          subscriptions: [
            { queue: 'App/Confirmed', filter: { detail: { data: { total: [{ numeric: ['>=', 100] }] } } } },
          ],
        },
      ],
    });
    expect(() => costReport(filtered, MILLION, assumptions)).toThrow(
      /subscription of 'Confirmed' filters on content/,
    );
  });

  it('drops the topic publishes when the bus fans out itself, and counts a target invocation per delivery', () => {
    const sns = costReport(structure(), MILLION, assumptions);
    const bus = costReport(structure(), MILLION, assumptions, { busFanOutFor: ['App/Outcomes'] });
    expect(serviceUsd(bus, 'SNS')).toBe(0);
    expect(sns.volumes.targetInvocations).toBeCloseTo(MILLION, 6);
    expect(bus.volumes.targetInvocations).toBeCloseTo(1.9 * MILLION, 6);
  });

  it('bills a Standard saga per state entered: 0.9M x 3 + 0.1M x 4 transitions = $77.50', () => {
    const report = costReport(
      structure({ stateMachines: [{ type: 'STANDARD', definition: SAGA }] }),
      MILLION,
      assumptions,
    );
    expect(report.paths.map((p) => [p.name, p.transitions])).toEqual([
      ['confirmed', 3],
      ['refused at Reserve', 4],
    ]);
    expect(line(report, 'state transitions').units).toBeCloseTo(3.1 * MILLION, 6);
    expect(serviceUsd(report, 'Step Functions')).toBeCloseTo(77.5, 9);
  });

  it('bills an Express saga per run and per 100 ms at 64 MB: $1 + 1.9097 GB-hours at $0.06', () => {
    const report = costReport(
      structure({ stateMachines: [{ type: 'EXPRESS', definition: SAGA }] }),
      MILLION,
      assumptions,
    );
    // Confirmed: 50 + 30 ms → 100 ms billed; refused: two tasks, 160 ms → 200 ms billed.
    const gbHours = ((0.9 * MILLION * 0.1 + 0.1 * MILLION * 0.2) * (64 / 1024)) / 3600;
    expect(line(report, 'duration (Express)').units).toBeCloseTo(gbHours, 9);
    expect(serviceUsd(report, 'Step Functions')).toBeCloseTo(1 + gbHours * 0.06, 9);
  });

  it('runs each saga task once per execution of the paths that reach it', () => {
    const report = costReport(
      structure({ stateMachines: [{ type: 'STANDARD', definition: SAGA }] }),
      MILLION,
      assumptions,
    );
    expect(report.functions.find((f) => f.name === 'App/Reserve')?.invocations).toBeCloseTo(MILLION, 6);
    expect(report.functions.find((f) => f.name === 'App/Undo')?.invocations).toBeCloseTo(0.1 * MILLION, 6);
  });

  it('prices every function as x86_64 when asked, at 25% more per GB-second', () => {
    const arm = costReport(structure(), MILLION, assumptions);
    const x86 = costReport(structure(), MILLION, assumptions, { architecture: 'x86_64' });
    expect(line(x86, 'compute (x86_64)').usd / line(arm, 'compute (arm64)').usd).toBeCloseTo(
      0.0000166667 / 0.0000133334,
      9,
    );
  });

  it("publishes the status changes the saga's outbox holds to the FIFO topic no rule feeds: 2 per order", () => {
    // Confirmed: OrderPlaced and StockReserved each write one; refused: OrderPlaced and OrderCancelled.
    const report = costReport(eventSourced(), MILLION, assumptions);
    expect(report.volumes.snsFifoPublishes).toBeCloseTo(2 * MILLION, 6);
    expect(report.queues.find((q) => q.name === 'App/StatusQueue')?.messages).toBeCloseTo(2 * MILLION, 6);
  });

  it("adds the event store's appends to its own table: 0.9M x 6 + 0.1M x 12 WRU, 0.9M x 4 + 0.1M x 6 RRU", () => {
    const report = costReport(eventSourced(), MILLION, assumptions);
    const store = report.tables.find((t) => t.name === 'App/Events');
    expect(store?.writes).toBeCloseTo(6.6 * MILLION, 6);
    expect(store?.reads).toBeCloseTo(4.2 * MILLION, 6);
  });

  it('prices the event store as it stands after eventStoreMonths: 1,617 B per order x 1M x 12 months', () => {
    const report = costReport(eventSourced(), MILLION, { ...assumptions, eventStoreMonths: 12 });
    const storage = line(report, 'event store storage');
    expect(storage.units).toBeCloseTo(((1617 * MILLION) / 1024 ** 3) * 12, 9);
    expect(storage.usd).toBeCloseTo(storage.units * PRICES.dynamoStorage.usd, 9);
  });

  it('runs the relay once per stream record at this rate, and bills it like any function', () => {
    const relay = costReport(eventSourced(), MILLION, assumptions).functions.find(
      (f) => f.name === 'App/Relay',
    );
    expect(relay?.invocations).toBeCloseTo(2.1 * MILLION, 6);
    expect(relay?.durationMs).toBeCloseTo(35, 9);
  });

  it('prices no event store, stream or relay for an app without one', () => {
    const report = costReport(
      structure({ stateMachines: [{ type: 'STANDARD', definition: SAGA }] }),
      MILLION,
      assumptions,
    );
    expect(
      report.lines.some((l) => l.service === 'DynamoDB Streams' || l.item.startsWith('event store')),
    ).toBe(false);
    expect(report.eventStore.events).toBe(0);
  });
});
