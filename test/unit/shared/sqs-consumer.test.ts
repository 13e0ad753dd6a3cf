import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OrderConfirmed } from '../../../contracts/events/order-confirmed.js';
import { type OrderOutcome, OrderOutcomeSchema } from '../../../contracts/events/order-outcome.js';
import {
  type OrderStatusChanged,
  OrderStatusChangedSchema,
} from '../../../contracts/events/order-status-changed.js';
import { orderConfirmed, orderStatusChanged } from '../../../contracts/samples.js';
import type { DeadLetterSink } from '../../../lambdas/shared/dead-letter.js';
import { PoisonMessageError } from '../../../lambdas/shared/errors.js';
import { logger } from '../../../lambdas/shared/powertools.js';
import { createSqsConsumer, parseBody, START_MARGIN_MS } from '../../../lambdas/shared/sqs-consumer.js';
import { InMemoryPersistenceLayer } from '../support/in-memory-persistence.js';
import { failedIds, lambdaContext, sqsEvent, sqsRecord } from '../support/sqs.js';

// The Powertools singletons are created when powertools.ts is imported: configure them first.
// Tracing off (and no AWS_EXECUTION_ENV, so X-Ray is never reached), metrics off (no EMF lines),
// logs silenced (the logger's methods are still called, and spied on below). No dead-letter
// queue from the environment: each test passes its sink, or none. Restored after the file.
vi.hoisted(() => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'UnitTests');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'sqs-consumer-test');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('DEAD_LETTER_QUEUE_URL', undefined);
  vi.stubEnv('AWS_EXECUTION_ENV', undefined);
});

const INVALID = path.resolve(import.meta.dirname, '../../fixtures/events/invalid');
const invalidFixture = (name: string) => readFileSync(path.join(INVALID, name), 'utf8');

/** A dead-letter sink that remembers what it was given. */
class RecordingDeadLetterSink implements DeadLetterSink {
  readonly sent: { record: SQSRecord; reason: string }[] = [];
  async send(record: SQSRecord, reason: string): Promise<void> {
    this.sent.push({ record, reason });
  }
}

/** A dead-letter sink whose queue is unreachable. */
class FailingDeadLetterSink implements DeadLetterSink {
  async send(): Promise<void> {
    throw new Error('SQS SendMessage timed out');
  }
}

/** An OrderConfirmed body whose total is a string: JSON, but never valid. */
function schemaInvalidBody(): string {
  const event = orderConfirmed();
  return JSON.stringify({
    ...event,
    detail: { ...event.detail, data: { ...event.detail.data, total: 'a lot' } },
  });
}

/** The same fact published again: a new delivery and eventId, the same idempotency key. */
function republished(event: OrderConfirmed): OrderConfirmed {
  return {
    ...event,
    id: 'a-new-eventbridge-id',
    detail: { ...event.detail, metadata: { ...event.detail.metadata, eventId: 'a-new-event-id' } },
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('parseBody', () => {
  it('returns the parsed event for a valid body', () => {
    const event = orderConfirmed({ orderId: 'ord-parse-1' });
    expect(parseBody(OrderOutcomeSchema, JSON.stringify(event))).toEqual({ ok: true, event });
  });

  it('says the body is not JSON when it is not', () => {
    const parsed = parseBody(OrderOutcomeSchema, invalidFixture('not-json.txt'));
    expect(parsed).toEqual({ ok: false, reason: expect.stringMatching(/not valid JSON/) });
  });

  it('names the failing path when a field has the wrong type', () => {
    const body = invalidFixture('OrderConfirmed.total-as-string.json');
    const parsed = parseBody(OrderOutcomeSchema, body);
    expect(parsed).toEqual({
      ok: false,
      reason: expect.stringContaining('detail.data.total'),
      json: JSON.parse(body),
    });
  });

  it('says in English what is wrong with the failing field', () => {
    const body = invalidFixture('OrderConfirmed.total-as-string.json');
    const parsed = parseBody(OrderOutcomeSchema, body);
    expect(parsed).toEqual({
      ok: false,
      reason: expect.stringContaining('detail.data.total: Invalid input: expected number, received string'),
      json: JSON.parse(body),
    });
  });

  it('names the missing idempotencyKey', () => {
    const body = invalidFixture('OrderConfirmed.missing-idempotency-key.json');
    const parsed = parseBody(OrderOutcomeSchema, body);
    expect(parsed).toEqual({
      ok: false,
      reason: expect.stringContaining('detail.metadata.idempotencyKey'),
      json: JSON.parse(body),
    });
  });

  it('names every failing path, not only the first', () => {
    const event = orderConfirmed();
    const body = JSON.stringify({
      ...event,
      detail: { ...event.detail, data: { ...event.detail.data, total: -1, currency: 'euro' } },
    });
    const parsed = parseBody(OrderOutcomeSchema, body);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toMatch(/detail\.data\.total.*; detail\.data\.currency/);
  });

  it('says "body" when the JSON itself is the wrong shape', () => {
    const parsed = parseBody(OrderOutcomeSchema, '42');
    expect(parsed).toEqual({
      ok: false,
      reason: expect.stringMatching(/^schema validation failed: body: /),
      json: 42,
    });
  });
});

describe('createSqsConsumer on a standard queue', () => {
  let store: InMemoryPersistenceLayer;
  let deadLetters: RecordingDeadLetterSink;

  beforeEach(() => {
    store = new InMemoryPersistenceLayer();
    deadLetters = new RecordingDeadLetterSink();
  });

  const consumer = (handle: (event: OrderOutcome) => Promise<unknown>, sink: DeadLetterSink | undefined) =>
    createSqsConsumer({
      schema: OrderOutcomeSchema,
      handle,
      persistenceStore: store,
      ...(sink ? { deadLetters: sink } : {}),
    });

  it('hands each record’s parsed event to the business handler', async () => {
    const handle = vi.fn(async (_event: OrderOutcome) => ({ sent: true }));
    const first = orderConfirmed({ orderId: 'ord-a' });
    const second = orderConfirmed({ orderId: 'ord-b' });

    const response = await consumer(handle, deadLetters)(
      sqsEvent(sqsRecord(first), sqsRecord(second)),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(handle.mock.calls.map(([event]) => event)).toEqual([first, second]);
  });

  it('reports exactly the record whose handler failed, and not the others', async () => {
    const handle = vi.fn(async (event: OrderOutcome) => {
      if (event.detail.data.orderId === 'ord-fails') throw new Error('mail provider refused');
      return { sent: true };
    });
    const before = sqsRecord(orderConfirmed({ orderId: 'ord-ok-1' }));
    const failing = sqsRecord(orderConfirmed({ orderId: 'ord-fails' }));
    const after = sqsRecord(orderConfirmed({ orderId: 'ord-ok-2' }));

    const response = await consumer(handle, deadLetters)(sqsEvent(before, failing, after), lambdaContext());

    expect(failedIds(response)).toEqual([failing.messageId]);
  });

  it('does not start a record with less than START_MARGIN_MS left, and reports it for a retry', async () => {
    const handle = vi.fn(async (_event: OrderOutcome) => ({ sent: true }));
    const first = sqsRecord(orderConfirmed({ orderId: 'ord-in-time' }));
    const late = sqsRecord(orderConfirmed({ orderId: 'ord-too-late' }));
    // The clock runs out while the first record is handled.
    let left = START_MARGIN_MS + 500;
    handle.mockImplementationOnce(async () => {
      left = START_MARGIN_MS - 1;
      return { sent: true };
    });

    const response = await consumer(handle, deadLetters)(sqsEvent(first, late), {
      ...lambdaContext(),
      getRemainingTimeInMillis: () => left,
    });

    expect(failedIds(response)).toEqual([late.messageId]);
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('fails the whole invocation when every record failed, so the batch is retried', async () => {
    const handle = vi.fn(async () => {
      throw new Error('ledger table unavailable');
    });
    const records = [sqsRecord(orderConfirmed()), sqsRecord(orderConfirmed())];

    await expect(consumer(handle, deadLetters)(sqsEvent(...records), lambdaContext())).rejects.toThrow(
      /All records failed processing/,
    );
  });

  it('calls the handler once for the same idempotency key twice in one batch', async () => {
    const handle = vi.fn(async (_event: OrderOutcome) => ({ sent: true }));
    const event = orderConfirmed();

    const response = await consumer(handle, deadLetters)(
      sqsEvent(sqsRecord(event), sqsRecord(republished(event))),
      lambdaContext(),
    );

    expect(handle).toHaveBeenCalledTimes(1);
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('calls the handler once for the same idempotency key in two invocations', async () => {
    const handle = vi.fn(async (_event: OrderOutcome) => ({ sent: true }));
    const consume = consumer(handle, deadLetters);
    const event = orderConfirmed();

    await consume(sqsEvent(sqsRecord(event)), lambdaContext());
    const second = await consume(
      sqsEvent(sqsRecord(republished(event), { receiveCount: 2 })),
      lambdaContext(),
    );

    expect(handle).toHaveBeenCalledTimes(1);
    expect(second).toEqual({ batchItemFailures: [] });
  });

  it('calls the handler for every repeat when idempotency is off (the benchmark baseline)', async () => {
    const handle = vi.fn(async (_event: OrderOutcome) => ({ sent: true }));
    const event = orderConfirmed();
    const consume = createSqsConsumer({ schema: OrderOutcomeSchema, handle, idempotency: false });

    await consume(sqsEvent(sqsRecord(event), sqsRecord(republished(event))), lambdaContext());

    expect(handle).toHaveBeenCalledTimes(2);
  });

  it('calls the handler for each of two events with different idempotency keys', async () => {
    const handle = vi.fn(async (_event: OrderOutcome) => ({ sent: true }));

    await consumer(handle, deadLetters)(
      sqsEvent(
        sqsRecord(orderConfirmed({ orderId: 'ord-1' })),
        sqsRecord(orderConfirmed({ orderId: 'ord-2' })),
      ),
      lambdaContext(),
    );

    expect(handle).toHaveBeenCalledTimes(2);
  });

  it('handles a record again on redelivery after its handler failed', async () => {
    const handle = vi
      .fn(async (_event: OrderOutcome) => ({ sent: true }))
      .mockRejectedValueOnce(new Error('mail provider refused'));
    const consume = consumer(handle, deadLetters);
    const event = orderConfirmed();
    const companion = sqsRecord(orderConfirmed());

    const first = await consume(sqsEvent(sqsRecord(event, { messageId: 'm-1' }), companion), lambdaContext());
    const retry = await consume(
      sqsEvent(sqsRecord(event, { messageId: 'm-1', receiveCount: 2 })),
      lambdaContext(),
    );

    expect(failedIds(first)).toEqual(['m-1']);
    expect(retry).toEqual({ batchItemFailures: [] });
    expect(handle).toHaveBeenCalledTimes(3);
  });

  it('moves a body that is not JSON to the dead-letter sink, with a reason that says so', async () => {
    const handle = vi.fn(async (_event: OrderOutcome) => ({ sent: true }));
    const poison = sqsRecord(invalidFixture('not-json.txt'));

    await consumer(handle, deadLetters)(sqsEvent(poison, sqsRecord(orderConfirmed())), lambdaContext());

    expect(deadLetters.sent).toEqual([{ record: poison, reason: expect.stringMatching(/JSON/) }]);
  });

  it('does not report a dead-lettered record as a failure', async () => {
    const handle = vi.fn(async (_event: OrderOutcome) => ({ sent: true }));
    const poison = sqsRecord('this is not JSON');

    const response = await consumer(handle, deadLetters)(
      sqsEvent(poison, sqsRecord(orderConfirmed())),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('never hands a poison record to the business handler', async () => {
    const handle = vi.fn(async (_event: OrderOutcome) => ({ sent: true }));

    await consumer(handle, deadLetters)(
      sqsEvent(sqsRecord('this is not JSON'), sqsRecord(schemaInvalidBody())),
      lambdaContext(),
    );

    expect(handle).not.toHaveBeenCalled();
  });

  it('moves a schema-invalid body to the dead-letter sink with a reason naming the failing path', async () => {
    const handle = vi.fn(async (_event: OrderOutcome) => ({ sent: true }));
    const poison = sqsRecord(schemaInvalidBody());

    await consumer(handle, deadLetters)(sqsEvent(poison), lambdaContext());

    expect(deadLetters.sent).toHaveLength(1);
    expect(deadLetters.sent[0]?.record).toBe(poison);
    expect(deadLetters.sent[0]?.reason).toContain('detail.data.total');
  });

  it('moves a record whose handler throws a PoisonMessageError to the dead-letter sink with its reason', async () => {
    const handle = vi.fn(async (_event: OrderOutcome) => {
      throw new PoisonMessageError('execution name taken by another order');
    });
    const record = sqsRecord(orderConfirmed());

    const response = await consumer(handle, deadLetters)(sqsEvent(record), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.sent).toEqual([{ record, reason: 'execution name taken by another order' }]);
  });

  it('does not dead-letter a record whose handler throws any other error: it is retried', async () => {
    const handle = vi.fn(async (event: OrderOutcome) => {
      if (event.detail.data.orderId === 'ord-throttled') throw new Error('StartExecution throttled');
      return { started: true };
    });
    const record = sqsRecord(orderConfirmed({ orderId: 'ord-throttled' }));

    const response = await consumer(handle, deadLetters)(
      sqsEvent(record, sqsRecord(orderConfirmed())),
      lambdaContext(),
    );

    expect(failedIds(response)).toEqual([record.messageId]);
    expect(deadLetters.sent).toEqual([]);
  });

  it('reports a poison record as a batch item failure when no sink is configured', async () => {
    const handle = vi.fn(async (_event: OrderOutcome) => ({ sent: true }));
    const poison = sqsRecord(schemaInvalidBody());
    const valid = sqsRecord(orderConfirmed());

    const response = await consumer(handle, undefined)(sqsEvent(poison, valid), lambdaContext());

    expect(failedIds(response)).toEqual([poison.messageId]);
  });

  it('reports the record as failed when the dead-letter sink throws, so nothing is lost', async () => {
    const handle = vi.fn(async (_event: OrderOutcome) => ({ sent: true }));
    const poison = sqsRecord('this is not JSON');
    const valid = sqsRecord(orderConfirmed());

    const response = await consumer(handle, new FailingDeadLetterSink())(
      sqsEvent(poison, valid),
      lambdaContext(),
    );

    expect(failedIds(response)).toEqual([poison.messageId]);
  });

  it('logs a rejected record at error level with its messageId and the reason', async () => {
    const error = vi.spyOn(logger, 'error');
    const poison = sqsRecord(schemaInvalidBody());

    await consumer(async () => ({ sent: true }), deadLetters)(sqsEvent(poison), lambdaContext());

    expect(error).toHaveBeenCalledWith(
      expect.stringMatching(/rejected/i),
      expect.objectContaining({
        messageId: poison.messageId,
        reason: expect.stringContaining('detail.data.total'),
      }),
    );
  });

  it('logs a record whose handler failed as a warning with its messageId', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const failing = sqsRecord(orderConfirmed());
    const handle = vi
      .fn(async (_event: OrderOutcome) => ({ sent: true }))
      .mockRejectedValueOnce(new Error('mail provider refused'));

    await consumer(handle, deadLetters)(sqsEvent(failing, sqsRecord(orderConfirmed())), lambdaContext());

    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/retried/),
      expect.objectContaining({ messageId: failing.messageId }),
    );
  });
});

describe('createSqsConsumer on a FIFO queue', () => {
  let store: InMemoryPersistenceLayer;
  let deadLetters: RecordingDeadLetterSink;

  beforeEach(() => {
    store = new InMemoryPersistenceLayer();
    deadLetters = new RecordingDeadLetterSink();
  });

  /** A projection handler that fails for one order and records what it applied. */
  function projection(failFor: string) {
    const applied: string[] = [];
    const handle = vi.fn(async (event: OrderStatusChanged) => {
      const { orderId, sequence } = event.detail.data;
      if (orderId === failFor) throw new Error('projection table throttled');
      applied.push(`${orderId}#${sequence}`);
      return { orderId, sequence };
    });
    const consume = createSqsConsumer({
      schema: OrderStatusChangedSchema,
      handle,
      fifo: true,
      persistenceStore: store,
      deadLetters,
    });
    return { consume, applied, handle };
  }

  const statusRecord = (orderId: string, sequence: number) =>
    sqsRecord(orderStatusChanged(orderId, 'PLACED', sequence), {
      messageId: `${orderId}#${sequence}`,
      messageGroupId: orderId,
    });

  it('reports the later records of a group that failed, and not the earlier ones', async () => {
    const { consume } = projection('ord-a');
    const response = await consume(
      sqsEvent(statusRecord('ord-b', 1), statusRecord('ord-a', 1), statusRecord('ord-a', 2)),
      lambdaContext(),
    );

    expect(failedIds(response)).toEqual(['ord-a#1', 'ord-a#2']);
  });

  it('does not hand a later record of a failed group to the handler', async () => {
    const { consume, handle } = projection('ord-a');
    await consume(
      sqsEvent(statusRecord('ord-b', 1), statusRecord('ord-a', 1), statusRecord('ord-a', 2)),
      lambdaContext(),
    );

    const handled = handle.mock.calls.map(
      ([event]) => `${event.detail.data.orderId}#${event.detail.data.sequence}`,
    );
    expect(handled).toEqual(['ord-b#1', 'ord-a#1']);
  });

  // One failing order must not hold up the other orders (message groups) of the batch.
  it('keeps processing another message group after one group failed', async () => {
    const { consume, applied } = projection('ord-a');
    const response = await consume(
      sqsEvent(
        statusRecord('ord-c', 1),
        statusRecord('ord-a', 1),
        statusRecord('ord-b', 1),
        statusRecord('ord-a', 2),
        statusRecord('ord-b', 2),
      ),
      lambdaContext(),
    );

    expect(failedIds(response)).toEqual(['ord-a#1', 'ord-a#2']);
    expect(applied).toEqual(['ord-c#1', 'ord-b#1', 'ord-b#2']);
  });

  it('lets a group continue after its poison record was moved to the dead-letter sink', async () => {
    const { consume, applied } = projection('none');
    const poison = sqsRecord('this is not JSON', { messageId: 'ord-a#poison', messageGroupId: 'ord-a' });

    const response = await consume(
      sqsEvent(statusRecord('ord-a', 1), poison, statusRecord('ord-a', 2)),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(applied).toEqual(['ord-a#1', 'ord-a#2']);
    expect(deadLetters.sent.map((s) => s.record.messageId)).toEqual(['ord-a#poison']);
  });
});
