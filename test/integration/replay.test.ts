import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { confirmOrder } from '../../contracts/samples.js';
import { startReplay, waitForReplay } from '../../scripts/replay/replay.js';
import { busProbe, connect, settled, waitFor } from './support.js';

const app = connect();

describe('replaying an archived window', () => {
  it('delivers the events again and the consumers absorb them: no second side effect', async () => {
    const customerId = `cust-${randomUUID().slice(0, 8)}`;
    const request = confirmOrder({ customerId, total: 321 });
    const orderId = request.data.orderId;
    // Every route queue has a consumer now: watch this order's deliveries through a probe.
    const probe = await busProbe(app, { detail: { data: { orderId: [orderId] } } });
    try {
      const from = new Date(Date.now() - 1000);
      await app.publisher.publish([request]);
      await waitFor('the original delivery', async () => {
        const [ledger, route] = [await app.effectCounts(orderId), await app.routeEffectCounts(orderId)];
        return ledger.LOYALTY > 0 && route.FACT > 0 ? true : undefined;
      });
      await settled(app);
      const to = new Date(Date.now() + 1000);
      await waitFor('the original on the probe', async () =>
        (await probe.drain()).length > 0 ? true : undefined,
      );

      const replayName = await startReplay(app.eventBridge, { busArn: app.busOutput('BusArn'), from, to });
      await waitForReplay(app.eventBridge, replayName, { timeoutMs: 120_000 });
      // EventBridge marks a replayed event with the replay's name; the original has no such field.
      const replayed = await waitFor('the replayed copy (with a replay-name) on the probe', async () =>
        (await probe.drain())
          .map((b) => JSON.parse(b) as Record<string, unknown>)
          .find((e) => 'replay-name' in e),
      );
      await settled(app);

      expect(replayed['replay-name']).toBe(replayName);
      expect(await app.effectCounts(orderId)).toMatchObject({ EMAIL: 1, LOYALTY: 1, ANALYTICS: 1 });
      expect(await app.loyaltyBalance(customerId)).toBe(321);
      // The bus analytics route delivered the copy too; its consumer kept the one fact.
      expect((await app.routeEffectCounts(orderId)).FACT).toBe(1);
    } finally {
      await probe.remove();
    }
  });
});
