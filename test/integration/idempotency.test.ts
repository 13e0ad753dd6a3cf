import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { orderConfirmed } from '../../contracts/samples.js';
import { connect, settled, waitFor } from './support.js';

const app = connect();

// Concurrent: each test's orders are its own, and both wait out the same visibility timeout
// (a duplicate that meets an in-progress record comes back after it) instead of one each.
describe.concurrent('consumers are idempotent on the business key', () => {
  it('produces one side effect per consumer when the same event is published three times', async ({
    expect,
  }) => {
    const customerId = `cust-${randomUUID().slice(0, 8)}`;
    const event = orderConfirmed({ customerId, total: 250 });

    await Promise.all([app.publishOutcome(event), app.publishOutcome(event), app.publishOutcome(event)]);
    await waitFor('the first effects', async () =>
      (await app.effectCounts(event.detail.data.orderId)).LOYALTY > 0 ? true : undefined,
    );
    await settled(app);

    expect(await app.effectCounts(event.detail.data.orderId)).toMatchObject({
      EMAIL: 1,
      LOYALTY: 1,
      ANALYTICS: 1,
    });
    expect(await app.loyaltyBalance(customerId)).toBe(250);
  });

  it('absorbs a re-publish that has a new eventId but the same idempotency key', async ({ expect }) => {
    const customerId = `cust-${randomUUID().slice(0, 8)}`;
    const first = orderConfirmed({ customerId, total: 300 });
    const retry = structuredClone(first);
    retry.id = randomUUID();
    retry.detail.metadata.eventId = randomUUID();

    await app.publishOutcome(first);
    await app.publishOutcome(retry);
    await waitFor('the first effects', async () =>
      (await app.effectCounts(first.detail.data.orderId)).LOYALTY > 0 ? true : undefined,
    );
    await settled(app);

    expect(await app.effectCounts(first.detail.data.orderId)).toMatchObject({
      EMAIL: 1,
      LOYALTY: 1,
      ANALYTICS: 1,
    });
    expect(await app.loyaltyBalance(customerId)).toBe(300);
  });
});
