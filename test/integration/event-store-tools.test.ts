import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newOrderId, placeOrder } from '../../contracts/samples.js';
import { statusFromEvents } from '../../scripts/event-store/projection.js';
import { ROOT } from '../../scripts/shared/paths.js';
import { connect, waitFor } from './support.js';

const app = connect();
const run = (script: string, ...args: string[]) =>
  spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    [path.join(ROOT, 'scripts', 'event-store', script), ...args],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );

describe("the order's events and the projections built from them", () => {
  const confirmed = placeOrder({ orderId: newOrderId('hist') });
  const declined = placeOrder({ orderId: newOrderId('hist'), paymentToken: 'tok_declined' });

  it('keep the status projection equal to a rebuild from the event store, for a confirmed and a declined order', async () => {
    await app.publisher.publish([confirmed, declined]);
    for (const order of [confirmed, declined]) {
      await app.sagaEnd(order.data.orderId);
      const rebuilt = statusFromEvents(await app.eventStore().history(order.data.orderId));
      expect(rebuilt).toBeDefined();
      // The relay publishes from the store's stream: the live projection catches up.
      await waitFor(`the live status of ${order.data.orderId}`, async () => {
        const live = await app.status(order.data.orderId);
        return live?.status === rebuilt?.status && live?.sequence === rebuilt?.sequence ? true : undefined;
      });
    }
    expect(statusFromEvents(await app.eventStore().history(declined.data.orderId))?.status).toBe('CANCELLED');
  });

  it('npm run order:history prints the events with their versions and outbox', () => {
    const history = run('history-main.ts', confirmed.data.orderId);
    expect(history.status).toBe(0);
    expect(history.stdout).toMatch(new RegExp(`Order ${confirmed.data.orderId}: 5 event\\(s\\)`));
    expect(history.stdout).toMatch(/1\s+\S+\s+OrderPlaced\s.*OrderStatusChanged/);
    expect(history.stdout).toMatch(/5\s+\S+\s+OrderConfirmed\s+OrderConfirmed/);
  });

  it('npm run order:history refuses an id the store has no events for, with a non-zero exit', () => {
    const unknown = run('history-main.ts', 'no-such-order');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/no events for order 'no-such-order' in the event store/);
  });

  it('npm run projection:rebuild reports the rebuilt projection equal to the live one', async () => {
    const rebuild = await waitFor(
      'the rebuild to equal the live projection',
      async () => {
        const result = run('rebuild-main.ts');
        return result.status === 0 ? result : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 2_000 },
    );
    expect(rebuild.stderr).toMatch(/The rebuilt projection equals the live one for all \d+ orders/);
  });
});
