import type { MSKEvent } from '@aws-lambda-powertools/kafka/types';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ORDER_LOG_TOPIC,
  type OrderLogEvent,
  OrderLogEventSchema,
} from '../../../contracts/domain/order-log.js';
import { orderCancelled, orderConfirmed, orderStatusChanged } from '../../../contracts/samples.js';
import { PoisonMessageError } from '../../../lambdas/shared/errors.js';
import {
  createKafkaConsumer,
  type KafkaFailureSink,
  type RecordPosition,
} from '../../../lambdas/shared/kafka-consumer.js';
import { type FetchedBatch, mskEvent } from '../../../scripts/stream/msk-event.js';
import { InMemoryPersistenceLayer } from '../support/in-memory-persistence.js';
import { lambdaContext } from '../support/sqs.js';

// The Powertools singletons are created when powertools.ts is imported: configure them first.
// Tracing, metrics and logs off; no failure queue, idempotency table or fault injection from
// the environment, so each test's own sink and store are the only ones there are.
vi.hoisted(() => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'UnitTests');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'kafka-consumer-test');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('FAILURE_QUEUE_URL', undefined);
  vi.stubEnv('IDEMPOTENCY_TABLE_NAME', undefined);
  vi.stubEnv('FAULT_INJECTION', undefined);
  vi.stubEnv('AWS_EXECUTION_ENV', undefined);
});

const TIME = Date.UTC(2026, 11, 3, 13, 5, 0);
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** A record as kafkajs fetched it, keyed by orderId; a string value is sent as is, not as JSON. */
function message(offset: number, value: OrderLogEvent | string, key = 'ord-1'): KafkaMessage {
  return {
    offset: String(offset),
    timestamp: String(TIME + offset),
    key: Buffer.from(key),
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers: {},
    attributes: 0,
  } as KafkaMessage;
}

const partition = (n: number, ...messages: KafkaMessage[]): FetchedBatch => ({
  topic: ORDER_LOG_TOPIC,
  partition: n,
  messages,
});

/** The MSK event the event source delivers (Powertools types schema metadata it never reads). */
const event = (...batches: FetchedBatch[]) =>
  mskEvent({
    eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/orders-log/abc',
    bootstrapServers: ['boot.kafka-serverless.us-east-1.amazonaws.com:9098'],
    batches,
  }) as unknown as MSKEvent;

const at = (n: number, offset: number): RecordPosition => ({
  topic: ORDER_LOG_TOPIC,
  partition: n,
  offset,
  timestamp: TIME + offset,
});

/** A failure sink that remembers what it was given. */
class RecordingFailureSink implements KafkaFailureSink {
  readonly sent: {
    position: RecordPosition;
    original: { key?: string | null; value?: string | null };
    reason: string;
  }[] = [];
  async send(
    position: RecordPosition,
    original: { key?: string | null; value?: string | null },
    reason: string,
  ) {
    this.sent.push({ position, original, reason });
  }
}

/** An OrderConfirmed whose total is a string: JSON, but never valid. */
function totalAsString(): string {
  const confirmed = orderConfirmed();
  return JSON.stringify({
    ...confirmed,
    detail: { ...confirmed.detail, data: { ...confirmed.detail.data, total: 'a lot' } },
  });
}

type Handle = (event: OrderLogEvent, position: RecordPosition) => Promise<unknown>;
/** A business handler to spy on: it succeeds unless told otherwise. */
const handled = (impl: Handle = async () => 'done') => vi.fn<Handle>(impl);

let store: InMemoryPersistenceLayer;
let failures: RecordingFailureSink;

const consumer = (handle: Handle) =>
  createKafkaConsumer({ schema: OrderLogEventSchema, handle, failures, persistenceStore: store });

beforeEach(() => {
  store = new InMemoryPersistenceLayer();
  failures = new RecordingFailureSink();
  // Powertools' JSON deserialiser writes to console.error for a value that is not JSON.
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('createKafkaConsumer', () => {
  it('hands each valid record to the handler once, partition by partition in offset order, with its position', async () => {
    // GIVEN three events on two partitions
    const confirmed = orderConfirmed({ orderId: 'ord-a' });
    const status = orderStatusChanged('ord-a', 'SHIPPED', 3);
    const cancelled = orderCancelled({ orderId: 'ord-b' });
    const handle = handled();

    // WHEN the batch is delivered
    await consumer(handle)(
      event(
        partition(0, message(10, confirmed), message(11, status)),
        partition(1, message(4, cancelled, 'ord-b')),
      ),
      lambdaContext(),
    );

    // THEN each reached the handler once, in the log's order, with where it sits in the log
    expect(handle.mock.calls).toEqual([
      [confirmed, at(0, 10)],
      [status, at(0, 11)],
      [cancelled, at(1, 4)],
    ]);
  });

  it('sends a value that is not JSON to the failure sink with the reason, and handles the records after it', async () => {
    // GIVEN a record whose value is plain text, between two valid ones
    const before = orderConfirmed();
    const after = orderCancelled();
    const handle = handled();

    // WHEN the batch is delivered
    await consumer(handle)(
      event(partition(2, message(1, before), message(2, 'not json at all'), message(3, after))),
      lambdaContext(),
    );

    // THEN the text went to the sink, and both valid records were handled
    expect(failures.sent.map((f) => [f.position.offset, f.reason])).toEqual([[2, 'value is not valid JSON']]);
    expect(handle.mock.calls.map(([e]) => e)).toEqual([before, after]);
  });

  it('sends a value that fails the schema to the failure sink with a reason naming the field', async () => {
    // GIVEN an OrderConfirmed whose total is a string
    const handle = handled();

    // WHEN it is delivered
    await consumer(handle)(event(partition(0, message(7, totalAsString()))), lambdaContext());

    // THEN it never reached the handler, and the sink was told which field is wrong
    expect(handle).not.toHaveBeenCalled();
    expect(failures.sent).toEqual([
      expect.objectContaining({
        reason: expect.stringMatching(/^schema validation failed: .*detail\.data\.total/),
      }),
    ]);
  });

  it('gives the failure sink the record’s original base64 key and value and its position', async () => {
    // GIVEN a record that can never succeed
    const handle = handled();

    // WHEN it is delivered
    await consumer(handle)(event(partition(5, message(42, '{"truncated', 'ord-x'))), lambdaContext());

    // THEN the sink has what a redrive needs: the bytes as the event carried them, and where they are
    expect(failures.sent).toEqual([
      {
        position: at(5, 42),
        original: { key: base64('ord-x'), value: base64('{"truncated') },
        reason: 'value is not valid JSON',
      },
    ]);
  });

  it('handles a record delivered twice with the same idempotency key once', async () => {
    // GIVEN the same event at two offsets (appended again by a relay that retried)
    const confirmed = orderConfirmed();
    const handle = handled();

    // WHEN both are delivered
    await consumer(handle)(
      event(partition(0, message(1, confirmed), message(2, confirmed))),
      lambdaContext(),
    );

    // THEN the handler ran for the first only
    expect(handle.mock.calls).toEqual([[confirmed, at(0, 1)]]);
  });

  it('rejects the batch when the handler throws, after handling the records before it', async () => {
    // GIVEN a handler that fails for the second of three records
    const [first, failing, third] = [orderConfirmed(), orderConfirmed(), orderConfirmed()];
    const handle = handled(async (e) => {
      if (e.detail.metadata.eventId === failing.detail.metadata.eventId)
        throw new Error('audit table throttled');
      return 'done';
    });
    const batch = event(partition(0, message(1, first), message(2, failing), message(3, third)));

    // WHEN the batch is delivered
    const delivery = consumer(handle)(batch, lambdaContext());

    // THEN the invocation fails (the event source retries the batch) and the third was not reached
    await expect(delivery).rejects.toThrow('audit table throttled');
    expect(handle.mock.calls.map(([, p]) => p.offset)).toEqual([1, 2]);
    expect(failures.sent).toEqual([]);
  });

  it('on the retry of a failed batch, handles only the records not handled before', async () => {
    // GIVEN a batch whose second record failed once
    const [first, second] = [orderConfirmed(), orderCancelled()];
    const handle = handled().mockResolvedValueOnce('done').mockRejectedValueOnce(new Error('throttled'));
    const consume = consumer(handle);
    const batch = () => event(partition(0, message(1, first), message(2, second)));
    await expect(consume(batch(), lambdaContext())).rejects.toThrow('throttled');

    // WHEN the event source delivers it again
    await consume(batch(), lambdaContext());

    // THEN the first record was absorbed by idempotency and the second ran again
    expect(handle.mock.calls.map(([, p]) => p.offset)).toEqual([1, 2, 2]);
  });

  it('sends a record whose handler throws a PoisonMessageError to the sink with its reason, without failing the batch', async () => {
    // GIVEN a handler that proves the first record can never succeed
    const [poison, next] = [orderConfirmed(), orderConfirmed()];
    const handle = handled(async (e) => {
      if (e.detail.metadata.eventId === poison.detail.metadata.eventId)
        throw new PoisonMessageError('currency XXX has no sales window');
      return 'done';
    });

    // WHEN the batch is delivered
    const delivery = consumer(handle)(
      event(partition(3, message(8, poison), message(9, next))),
      lambdaContext(),
    );

    // THEN the invocation succeeds, the sink has the record with the reason, and the next one ran
    await expect(delivery).resolves.toBeUndefined();
    expect(failures.sent.map((f) => [f.position, f.reason])).toEqual([
      [at(3, 8), 'currency XXX has no sales window'],
    ]);
    expect(handle.mock.calls.map(([, p]) => p.offset)).toEqual([8, 9]);
  });

  it('needs FAILURE_QUEUE_URL when it is given no failure sink', () => {
    // GIVEN no sink and no FAILURE_QUEUE_URL (stubbed away above)
    const options = { schema: OrderLogEventSchema, handle: async () => 'done', persistenceStore: store };

    // WHEN the consumer is created THEN the cold start fails naming the variable
    expect(() => createKafkaConsumer(options)).toThrow(/FAILURE_QUEUE_URL/);
  });
});
