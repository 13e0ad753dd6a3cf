import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { orderConfirmed } from '../../contracts/samples.js';
import { FAILURE_REASON_ATTRIBUTE } from '../../lambdas/shared/dead-letter.js';
import { connect, logLines, settled, waitFor } from './support.js';

const app = connect();

describe('malformed events end in a dead-letter queue with the reason, and nothing else is lost', () => {
  const marker = randomUUID();
  const notJson = `this is not JSON ${marker}`;
  const invalid = orderConfirmed({ orderId: `invalid-${marker}` });
  const schemaInvalid = JSON.stringify({
    ...invalid,
    detail: { ...invalid.detail, data: { ...invalid.detail.data, total: 'a lot' } },
  });
  const valid = orderConfirmed({ total: 150 });
  const futureVersion = orderConfirmed({ orderId: `v2-${marker}` });
  futureVersion.detail.metadata.eventVersion = '2';
  const unknownType = { ...orderConfirmed({ orderId: `refund-${marker}` }), 'detail-type': 'OrderRefunded' };

  beforeAll(async () => {
    await settled(app);
    await app.publishOutcome(notJson);
    await app.publishOutcome(schemaInvalid);
    await app.publishOutcome(futureVersion);
    await app.publishOutcome(unknownType);
    await app.publishOutcome(valid);
    await waitFor('the valid event to be processed', async () => {
      const c = await app.effectCounts(valid.detail.data.orderId);
      return c.EMAIL && c.LOYALTY && c.ANALYTICS ? true : undefined;
    });
    await settled(app);
  });

  const findIn = async (dlq: 'Analytics' | 'Email', needle: string) =>
    waitFor(`a dead-lettered message containing ${needle} in ${dlq}`, async () =>
      (await app.scan(app.dlqUrl(dlq))).find((m) => m.Body?.includes(needle)),
    );

  it('dead-letters a body that is not JSON, saying so', async () => {
    // The whole body: the marker alone is also in the other malformed events' order ids.
    const message = await findIn('Analytics', notJson);
    expect(message.Body).toBe(notJson);
    expect(message.MessageAttributes?.[FAILURE_REASON_ATTRIBUTE]?.StringValue).toMatch(/json/i);
  });

  it('dead-letters a schema-invalid body with the failing field named, from every consumer it reached', async () => {
    for (const dlq of ['Analytics', 'Email'] as const) {
      const message = await findIn(dlq, `invalid-${marker}`);
      expect(message.MessageAttributes?.[FAILURE_REASON_ATTRIBUTE]?.StringValue).toMatch(
        /detail\.data\.total/,
      );
    }
  });

  it('dead-letters an event of an unknown eventVersion, saying which version the consumer reads', async () => {
    const message = await findIn('Analytics', `v2-${marker}`);
    expect(message.MessageAttributes?.[FAILURE_REASON_ATTRIBUTE]?.StringValue).toMatch(
      /unknown eventVersion/,
    );
  });

  it('dead-letters an unknown detail-type, naming the field', async () => {
    const message = await findIn('Analytics', `refund-${marker}`);
    expect(message.MessageAttributes?.[FAILURE_REASON_ATTRIBUTE]?.StringValue).toMatch(/detail-type/);
  });

  it('logs the reason for each rejected record', async () => {
    const lines = await logLines(app.output('AnalyticsLogGroupName'), 'Record rejected');
    const reasons = lines.map((line) => (JSON.parse(line) as { reason: string }).reason);
    expect(reasons.some((r) => /json/i.test(r))).toBe(true);
    expect(reasons.some((r) => r.includes('detail.data.total'))).toBe(true);
  });

  it('still processes the valid event published alongside, once', async () => {
    expect(await app.effectCounts(valid.detail.data.orderId)).toMatchObject({
      EMAIL: 1,
      LOYALTY: 1,
      ANALYTICS: 1,
    });
  });
});
