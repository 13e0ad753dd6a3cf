import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { confirmOrder } from '../../scripts/lib/order-events.js';
import { startReplay, waitForReplay } from '../../scripts/lib/replay.js';
import { connect, settled, waitFor } from './support.js';

const app = connect();

describe('replaying an archived window', () => {
  it('delivers the events again and the consumers absorb them: no second side effect', async () => {
    const customerId = `cust-${randomUUID().slice(0, 8)}`;
    const request = confirmOrder({ customerId, total: 321 });
    const orderId = request.data.orderId;
    const from = new Date(Date.now() - 1000);
    await app.publisher.publish([request]);
    await waitFor('the original delivery', async () =>
      (await app.effectCounts(orderId)).LOYALTY > 0 ? true : undefined,
    );
    await settled(app);
    const to = new Date(Date.now() + 1000);
    await app.drain(app.routeQueueUrl('analytics'));

    const replayName = await startReplay(app.eventBridge, { busArn: app.busOutput('BusArn'), from, to });
    await waitForReplay(app.eventBridge, replayName, { timeoutMs: 120_000 });
    const replayed = await waitFor('the replayed copy on the analytics route', async () =>
      (await app.drain(app.routeQueueUrl('analytics')))
        .map((b) => JSON.parse(b) as Record<string, unknown>)
        .find((e) => JSON.stringify(e).includes(orderId)),
    );
    await settled(app);

    expect(replayed['replay-name']).toBe(replayName);
    expect(await app.effectCounts(orderId)).toMatchObject({ EMAIL: 1, LOYALTY: 1, ANALYTICS: 1 });
    expect(await app.loyaltyBalance(customerId)).toBe(321);
  });
});
