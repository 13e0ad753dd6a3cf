import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { OrderOutcomeSchema } from '../../contracts/events/order-outcome.js';
import { orderConfirmed } from '../../contracts/samples.js';
import { logFields } from '../../lambdas/shared/kafka-consumer.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { createSqsConsumer } from '../../lambdas/shared/sqs-consumer.js';
import { InMemoryPersistenceLayer } from './support/in-memory-persistence.js';
import { lambdaContext, sqsEvent, sqsRecord } from './support/sqs.js';

// The one outcome line per record that `npm run trace` reads (queue, attempt, sent time).
vi.hoisted(() => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'UnitTests');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'trace-delivery-test');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('DEAD_LETTER_QUEUE_URL', undefined);
  vi.stubEnv('AWS_EXECUTION_ENV', undefined);
});

afterEach(() => vi.restoreAllMocks());
afterAll(() => vi.unstubAllEnvs());

const consumer = (handle: () => Promise<unknown>) =>
  createSqsConsumer({ schema: OrderOutcomeSchema, handle, persistenceStore: new InMemoryPersistenceLayer() });

describe('the SQS consumer outcome line', () => {
  it('logs a handled record with its queue, receive count, sent time and detail type', async () => {
    const info = vi.spyOn(logger, 'info');
    const event = orderConfirmed();
    const record = sqsRecord(event, { receiveCount: 3 });

    await consumer(async () => ({}))(sqsEvent(record), lambdaContext());

    expect(info).toHaveBeenCalledWith('Record handled', {
      messageId: record.messageId,
      queue: 'EmailQueue',
      receiveCount: 3,
      sentAt: new Date(Number(record.attributes.SentTimestamp)).toISOString(),
      detailType: 'OrderConfirmed',
      busTime: event.time,
      durationMs: expect.any(Number),
    });
  });

  it('puts the same delivery fields on the line of a record that will be retried', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const record = sqsRecord(orderConfirmed(), { receiveCount: 2 });
    let calls = 0;

    // A second record that succeeds: a batch that fails whole is thrown, not reported.
    await consumer(async () => {
      calls += 1;
      if (calls === 1) throw new Error('mail provider refused');
      return {};
    })(sqsEvent(record, sqsRecord(orderConfirmed())), lambdaContext());

    expect(warn).toHaveBeenCalledWith(
      'Record failed; it will be retried',
      expect.objectContaining({ messageId: record.messageId, queue: 'EmailQueue', receiveCount: 2 }),
    );
  });
});

describe('the Kafka consumer position fields', () => {
  it('give the append time as appendedAt, never as timestamp (a key Powertools keeps for itself)', () => {
    vi.stubEnv('KAFKA_CONSUMER_GROUP', 'order-audit');
    const timestamp = Date.UTC(2026, 11, 3, 10, 0, 1, 50);

    expect(logFields({ topic: 'orders.events', partition: 3, offset: 41, timestamp })).toEqual({
      topic: 'orders.events',
      partition: 3,
      offset: 41,
      appendedAt: '2026-12-03T10:00:01.050Z',
      group: 'order-audit',
    });
  });
});

describe('the SQS consumer line of a record that fails its schema', () => {
  it('still names the order and flow of a body that is JSON', async () => {
    const error = vi.spyOn(logger, 'error');
    const event = orderConfirmed({ orderId: 'ord-invalid-1' });
    const body = { ...event, detail: { ...event.detail, data: { ...event.detail.data, total: 'a lot' } } };
    const appended = vi.spyOn(logger, 'appendKeys');

    await createSqsConsumer({
      schema: OrderOutcomeSchema,
      handle: async () => ({}),
      persistenceStore: new InMemoryPersistenceLayer(),
      deadLetters: { send: async () => {} },
    })(sqsEvent(sqsRecord(body)), lambdaContext());

    expect(appended).toHaveBeenCalledWith(expect.objectContaining({ orderId: 'ord-invalid-1' }));
    expect(error).toHaveBeenCalledWith(
      'Record rejected: it can never succeed',
      expect.objectContaining({ queue: 'EmailQueue', detailType: 'OrderConfirmed' }),
    );
  });
});
