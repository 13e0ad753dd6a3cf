import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_LOG_TOPIC } from '../../contracts/domain/order-log.js';
import { outboxDetailTypes } from '../../contracts/domain/outbox.js';
import { orderStatusChanged, placeOrder } from '../../contracts/samples.js';
import { FAILURE_REASON_ATTRIBUTE } from '../../lambdas/shared/dead-letter.js';
import { ORDER_LOG_GROUPS } from '../../lib/stacks/order-log-stack.js';
import { emulatorEnv } from '../../scripts/emulator/emulator.js';
import { clusterLayout } from '../../scripts/kafka/config.js';
import { kafkaClient } from '../../scripts/kafka/engine.js';
import { ensureEventSource, stopEventSource } from '../../scripts/stream/event-source-process.js';
import { groupLag, totalLag } from '../../scripts/stream/lag.js';
import { replayGroup } from '../../scripts/stream/replay.js';
import { connect, waitFor } from './support.js';

const app = connect();
const kafka = kafkaClient(clusterLayout(1), 'order-log-test');
const admin = kafka.admin();
const producer = kafka.producer();

beforeAll(async () => {
  await admin.connect();
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

/** Every record on the topic whose key is one of `keys`, read by a fresh group from the start. */
async function recordsFor(keys: readonly string[], atLeast: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `order-log-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: ORDER_LOG_TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (keys.includes(message.key?.toString() ?? '')) seen.push(message);
      },
    });
    await waitFor(`${atLeast} records of ${keys.join(', ')} on ${ORDER_LOG_TOPIC}`, async () =>
      seen.length >= atLeast ? true : undefined,
    );
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

const detailType = (m: KafkaMessage) => m.headers?.['detail-type']?.toString();
const eventIdOf = (m: KafkaMessage) =>
  (JSON.parse(m.value?.toString() ?? '{}') as { detail?: { metadata?: { eventId?: string } } }).detail
    ?.metadata?.eventId;

describe('the order log (Kafka)', () => {
  const confirmed = placeOrder({ total: 150 });
  const declined = placeOrder({ total: 90, paymentToken: 'tok_declined' });
  const ids = [confirmed.data.orderId, declined.data.orderId];
  const since = new Date();
  const outboxes = new Map<string, string[]>();

  beforeAll(async () => {
    await app.publisher.publish([confirmed, declined]);
    await Promise.all(ids.map((id) => app.sagaEnd(id)));
    for (const id of ids) {
      const history = await app.eventStore().history(id);
      outboxes.set(
        id,
        history.flatMap((e) => outboxDetailTypes(e.outbox)),
      );
    }
  });

  it("carries each order's integration events, keyed by orderId, in the order the store appended them", async () => {
    const expected = ids.map((id) => outboxes.get(id) ?? []);
    const records = await recordsFor(ids, expected.flat().length);
    for (const [i, id] of ids.entries()) {
      const mine = records.filter((m) => m.key?.toString() === id);
      // One partition per key, offsets increasing: the log keeps the order's order.
      expect(new Set(mine.map((m) => m.offset)).size).toBe(mine.length);
      expect(mine.map(detailType)).toEqual(expected[i]);
    }
    expect(expected[0]).toContain('OrderConfirmed');
    expect(expected[1]).toContain('OrderCancelled');
  });

  it('is read by the audit group once per event and by the sales group once per confirmed order', async () => {
    const records = await recordsFor(
      ids,
      ids.reduce((n, id) => n + (outboxes.get(id)?.length ?? 0), 0),
    );
    for (const id of ids) {
      const eventIds = records.filter((m) => m.key?.toString() === id).map(eventIdOf);
      const trail = await waitFor(`the audit trail of ${id}`, async () => {
        const t = await app.auditTrail(id);
        return t.length >= eventIds.length ? t : undefined;
      });
      expect(trail.map((e) => e.eventId).sort()).toEqual([...new Set(eventIds)].sort());
    }
    await waitFor(`the sale of ${confirmed.data.orderId}`, async () =>
      (await app.saleCounted(confirmed.data.orderId)) ? true : undefined,
    );
    expect(await app.saleCounted(declined.data.orderId)).toBe(false);
  });

  it('sends a record that is not JSON, and one that fails the schema, to each group’s failure queue with the reason, and reads on', async () => {
    const key = `poison-${randomUUID()}`;
    const valid = orderStatusChanged(key, 'PLACED', 1);
    await producer.send({
      topic: ORDER_LOG_TOPIC,
      messages: [
        { key, value: 'not json {' },
        { key, value: JSON.stringify({ ...valid, detail: { ...valid.detail, data: { orderId: key } } }) },
        { key, value: JSON.stringify(valid) },
      ],
    });
    // The valid record after them, on the same partition, is audited.
    await waitFor(`the audit of ${key}`, async () =>
      (await app.auditTrail(key)).length === 1 ? true : undefined,
    );
    for (const output of ['OrderAuditFailureQueueUrl', 'SalesPerMinuteFailureQueueUrl']) {
      const url = app.logOutput(output);
      const mine = await waitFor(`two rejected records of ${key} in ${output}`, async () => {
        const messages = (await app.scan(url)).filter((m) => {
          const body = JSON.parse(m.Body ?? '{}') as { key?: string };
          return Buffer.from(body.key ?? '', 'base64').toString() === key;
        });
        return messages.length >= 2 ? messages : undefined;
      });
      const reasons = mine
        .map((m) => m.MessageAttributes?.[FAILURE_REASON_ATTRIBUTE]?.StringValue ?? '')
        .sort();
      expect(reasons[0]).toMatch(/^schema validation failed: detail\.data\.status: /);
      expect(reasons[1]).toBe('value is not valid JSON');
      expect(mine.map((m) => (JSON.parse(m.Body ?? '{}') as { topic?: string }).topic)).toEqual([
        ORDER_LOG_TOPIC,
        ORDER_LOG_TOPIC,
      ]);
    }
    // Only this test sends poison to the log: leave the failure queues empty for the chaos run.
    for (const output of ['OrderAuditFailureQueueUrl', 'SalesPerMinuteFailureQueueUrl'])
      await app.drain(app.logOutput(output));
  });

  it('replays the audit group from a time: the group reads the records again and the trail is unchanged', async () => {
    const before = await Promise.all(ids.map((id) => app.auditTrail(id)));
    await stopEventSource();
    try {
      const moves = await replayGroup(admin, {
        group: ORDER_LOG_GROUPS.audit,
        topic: ORDER_LOG_TOPIC,
        start: { kind: 'time', at: since },
        dryRun: false,
      });
      expect(moves.reduce((n, m) => n + Math.max(0, m.again), 0)).toBeGreaterThanOrEqual(
        ids.reduce((n, id) => n + (outboxes.get(id)?.length ?? 0), 0),
      );
    } finally {
      await ensureEventSource(emulatorEnv(app.endpoint));
    }
    await waitFor(
      'the audit group to read the log to its end again',
      async () =>
        totalLag(await groupLag(admin, ORDER_LOG_TOPIC, [ORDER_LOG_GROUPS.audit]), ORDER_LOG_GROUPS.audit) ===
        0
          ? true
          : undefined,
      { timeoutMs: 60_000 },
    );
    const after = await Promise.all(ids.map((id) => app.auditTrail(id)));
    expect(after.map((t) => t.map((e) => e.eventId))).toEqual(before.map((t) => t.map((e) => e.eventId)));
  });
});
