import { describe, expect, it } from 'vitest';
import { newOrderId, orderConfirmed } from '../../contracts/samples.js';
import { connect, logLines, settled, waitFor } from './support.js';

const app = connect();
const MAX_RECEIVE_COUNT = 3; // OrderNotificationsStack's default

describe('a batch with one record that keeps failing', () => {
  it('retries only that record, dead-letters it after maxReceiveCount, and processes the others once', async () => {
    await settled(app);
    // Earlier runs on a reused emulator logged failures too: read only this test's.
    const started = Date.now() - 1000;
    const batchId = newOrderId('batch');
    const good = Array.from({ length: 9 }, (_, i) => orderConfirmed({ orderId: `${batchId}-good-${i}` }));
    // The ledger mailer treats the reserved .invalid domain as a provider outage: a technical fault.
    const bad = orderConfirmed({ orderId: `${batchId}-bad`, customerEmail: 'nobody@unreachable.invalid' });
    await app.sendBatch(
      'Email',
      [...good.slice(0, 4), bad, ...good.slice(4)].map((e) => JSON.stringify(e)),
    );

    await waitFor('the nine good records to be emailed', async () => {
      const counts = await Promise.all(good.map((e) => app.effectCounts(e.detail.data.orderId)));
      return counts.every((c) => c.EMAIL >= 1) ? true : undefined;
    });
    // The good records were deleted after the first invocation: only the bad one is left.
    const depthAfterFirstPass = await app.depth(app.queueUrl('Email'));
    expect(depthAfterFirstPass.visible + depthAfterFirstPass.inFlight).toBe(1);

    const dead = await waitFor(
      'the failing record in the email dead-letter queue',
      async () => {
        const messages = await app.scan(app.dlqUrl('Email'));
        return messages.find((m) => m.Body?.includes(bad.detail.data.orderId));
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    await settled(app);

    expect(Number(dead.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(MAX_RECEIVE_COUNT);
    const counts = await Promise.all(good.map((e) => app.effectCounts(e.detail.data.orderId)));
    expect(counts.map((c) => c.EMAIL)).toEqual(Array(9).fill(1));
    expect((await app.effectCounts(bad.detail.data.orderId)).EMAIL).toBe(0);
    const failures = await logLines(
      app.output('EmailLogGroupName'),
      'Record failed; it will be retried',
      started,
    );
    const failedIds = new Set(failures.map((line) => (JSON.parse(line) as { messageId: string }).messageId));
    expect(failedIds.size).toBe(1);
    expect(failedIds.has(String(dead.MessageId))).toBe(true);
  });
});
