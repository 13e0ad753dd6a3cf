import { describe, expect, it } from 'vitest';
import { SECONDS_PER_MONTH } from '../../../../../scripts/cost/billing.js';
import { priceDynamoDbStreams } from '../../../../../scripts/cost/pricers/dynamodb-streams.js';
import { eventStoreTraffic } from '../../../../../scripts/cost/pricers/event-store.js';
import { FunctionLoad } from '../../../../../scripts/cost/pricers/ledger.js';
import { eventSourced, ledgerOf, MILLION } from '../app-fixture.js';

/** The relay's load and the stream's lines for `orders` a month of the event-sourced app. */
function relayAt(orders: number, app = eventSourced()) {
  const { ledger, lines } = ledgerOf(app, orders);
  const load = new FunctionLoad();
  priceDynamoDbStreams(ledger, eventStoreTraffic(ledger), load);
  return { relay: load.get('App/Relay'), lines };
}

describe("the event store's stream", () => {
  it('hands the relay one record per invocation at a low rate (2.1M records a month over 4 shards)', () => {
    const { relay } = relayAt(MILLION);
    expect(relay?.records).toBeCloseTo(2.1 * MILLION, 6);
    expect(relay?.invocations).toBeCloseTo(2.1 * MILLION, 6);
    expect(relay?.billedMs).toBeCloseTo(2.1 * MILLION * 35, 3);
  });

  it('fills its batches of 10 at a high rate: records / batch size', () => {
    const { relay } = relayAt(1000 * MILLION);
    expect(relay?.invocations).toBeCloseTo((2.1 * 1000 * MILLION) / 10, 3);
    expect((relay?.billedMs ?? 0) / (relay?.invocations ?? 1)).toBeCloseTo(10 + 25 * 10, 9);
  });

  it("bills the trigger's reads at nothing: 4 shards polled 4 times a second", () => {
    const { lines } = relayAt(MILLION);
    expect(lines).toEqual([
      expect.objectContaining({ service: 'DynamoDB Streams', units: 16 * SECONDS_PER_MONTH, usd: 0 }),
    ]);
  });

  it('prices nothing when no function is triggered by the store', () => {
    const app = eventSourced();
    const { relay, lines } = relayAt(MILLION, {
      ...app,
      mappings: app.mappings.filter((m) => m.queue !== 'App/Events'),
    });
    expect(relay).toBeUndefined();
    expect(lines).toEqual([]);
  });
});
