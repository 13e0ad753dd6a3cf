import { describe, expect, it } from 'vitest';
import { appendsOf, eventStoreTraffic } from '../../../../../scripts/cost/pricers/event-store.js';
import { assumptions, eventSourced, ledgerOf, MILLION, SAGA, structure } from '../app-fixture.js';

describe("the event store's traffic", () => {
  it('bills each append as a transaction: 2 WRU per KB of the event and of the version it checks', () => {
    // 670 B (one outbox entry), 250 B (none), 1,090 B (two): Puts 2 + 2 + 4, checks 2 + 2.
    const order = appendsOf(['OrderPlaced', 'StockRefused', 'OrderCancelled'], assumptions);
    expect(order.writeUnits).toBe(12);
    expect(order.outbox).toEqual(['OrderStatusChanged', 'OrderCancelled', 'OrderStatusChanged']);
    expect(order.storedBytes).toBe(670 + 250 + 1090 + 3 * 100);
  });

  it('loads before each append: a snapshot query and the events so far, 1 RRU per 4 KB and at least 1 each', () => {
    // Twenty 250 B events: the events read stay under 4 KB for the first 17 appends.
    const order = appendsOf(Array(20).fill('StockReleased'), assumptions);
    expect(order.readUnits).toBe(20 + 17 * 1 + 3 * 2);
  });

  it('fails, naming the event, when a step appends one the domain catalog lacks', () => {
    expect(() => appendsOf(['OrderShipped'], assumptions)).toThrow(/no domain event 'OrderShipped'/);
  });

  it("follows the saga's paths: the refusing task appends its refused events, the others their done ones", () => {
    const { ledger } = ledgerOf(eventSourced(), MILLION);
    const traffic = eventStoreTraffic(ledger);
    expect(traffic.table).toBe('App/Events');
    expect(traffic.paths.map((p) => [p.name, p.events])).toEqual([
      ['confirmed', ['OrderPlaced', 'StockReserved']],
      ['refused at Reserve', ['OrderPlaced', 'StockRefused', 'OrderCancelled']],
    ]);
    expect(traffic.events).toBeCloseTo(0.9 * 2 * MILLION + 0.1 * 3 * MILLION, 6);
    expect(traffic.outbox.OrderStatusChanged).toBeCloseTo(2 * MILLION, 6);
    expect(traffic.outbox.OrderCancelled).toBeCloseTo(0.1 * MILLION, 6);
  });

  it('appends nothing for tasks that have no event store', () => {
    const { ledger } = ledgerOf(
      structure({ stateMachines: [{ type: 'STANDARD', definition: SAGA }] }),
      MILLION,
    );
    const traffic = eventStoreTraffic(ledger);
    expect(traffic.table).toBeUndefined();
    expect(traffic.events).toBe(0);
  });

  it('fails, naming the task, when a task that appends has no stepEvents assumption', () => {
    const { ledger } = ledgerOf(eventSourced(), MILLION, { ...assumptions, stepEvents: {} });
    expect(() => eventStoreTraffic(ledger)).toThrow(/stepEvents\) for saga task 'Reserve'/);
  });

  it('fails when a task refuses on a path but its stepEvents give no refused events', () => {
    const { ledger } = ledgerOf(eventSourced(), MILLION, {
      ...assumptions,
      stepEvents: { ...assumptions.stepEvents, Reserve: { done: ['OrderPlaced'] } },
    });
    expect(() => eventStoreTraffic(ledger)).toThrow(/'Reserve' refuses on path 'refused at Reserve'/);
  });
});
