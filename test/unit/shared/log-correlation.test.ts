import type { LogItem } from '@aws-lambda-powertools/logger';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OrderOutcomeSchema } from '../../../contracts/events/order-outcome.js';
import { SagaInputSchema } from '../../../contracts/saga-state.js';
import { orderConfirmed } from '../../../contracts/samples.js';
import { PoisonMessageError } from '../../../lambdas/shared/errors.js';
import { idempotentStep } from '../../../lambdas/shared/idempotent-step.js';
import { correlationKeys } from '../../../lambdas/shared/log-context.js';
import { logger } from '../../../lambdas/shared/powertools.js';
import { createSqsConsumer } from '../../../lambdas/shared/sqs-consumer.js';
import { InMemoryPersistenceLayer } from '../support/in-memory-persistence.js';
import { sagaInput } from '../support/orders.js';
import { lambdaContext, sqsEvent, sqsRecord } from '../support/sqs.js';

// Logs at INFO so that every line reaches printLog, which the tests read instead of stdout.
vi.hoisted(() => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'UnitTests');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'log-correlation-test');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  vi.stubEnv('DEAD_LETTER_QUEUE_URL', undefined);
  vi.stubEnv('IDEMPOTENCY_TABLE_NAME', undefined);
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', undefined);
  vi.stubEnv('AWS_EXECUTION_ENV', undefined);
});

type Line = Record<string, unknown>;
let lines: Line[];

beforeEach(() => {
  lines = [];
  // printLog is where every line is written: capture its attributes, print nothing.
  const printable = logger as unknown as { printLog: (level: number, log: LogItem) => void };
  vi.spyOn(printable, 'printLog').mockImplementation((_level, log) => {
    lines.push(log.getAttributes() as Line);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(() => {
  vi.unstubAllEnvs();
});

const lineSaying = (message: string) => lines.filter((l) => l.message === message);

describe('correlationKeys', () => {
  it('reads the envelope metadata and the order id of an event', () => {
    const event = orderConfirmed({ orderId: 'ord-k1' });
    const { correlationId, eventId, idempotencyKey } = event.detail.metadata;

    expect(correlationKeys(event)).toEqual({ correlationId, eventId, idempotencyKey, orderId: 'ord-k1' });
  });

  it("reads the saga state's metadata and order", () => {
    const state = sagaInput({ orderId: 'ord-k2' });

    expect(correlationKeys(state)).toMatchObject({
      orderId: 'ord-k2',
      correlationId: state.metadata.correlationId,
    });
  });

  it('leaves out what a value does not carry', () => {
    expect(correlationKeys({ slim: true })).toEqual({});
  });
});

describe('the SQS consumer logs with the correlation keys of the record it handles', () => {
  const consumer = (handle: () => Promise<unknown>) =>
    createSqsConsumer({
      schema: OrderOutcomeSchema,
      handle,
      persistenceStore: new InMemoryPersistenceLayer(),
      deadLetters: { send: async () => undefined },
    });

  it("puts each record's correlationId, eventId, idempotencyKey and orderId on the lines its handler logs", async () => {
    const first = orderConfirmed({ orderId: 'ord-log-1' });
    const second = orderConfirmed({ orderId: 'ord-log-2' });
    const handle = async () => {
      logger.info('handling');
      return {};
    };

    await consumer(handle)(sqsEvent(sqsRecord(first), sqsRecord(second)), lambdaContext());

    expect(lineSaying('handling')).toEqual([
      expect.objectContaining(correlationKeys(first)),
      expect.objectContaining(correlationKeys(second)),
    ]);
  });

  it('puts them on the warning for a record that failed', async () => {
    const failing = orderConfirmed({ orderId: 'ord-log-fails' });
    const handle = async () => {
      throw new Error('provider down');
    };

    await consumer(handle)(sqsEvent(sqsRecord(failing), sqsRecord(orderConfirmed())), lambdaContext()).catch(
      () => undefined,
    );

    expect(lineSaying('Record failed; it will be retried')[0]).toMatchObject(correlationKeys(failing));
  });

  it('puts them on the rejection of a record its handler proved poison', async () => {
    const poison = orderConfirmed({ orderId: 'ord-log-poison' });
    const handle = async () => {
      throw new PoisonMessageError('never');
    };

    await consumer(handle)(sqsEvent(sqsRecord(poison)), lambdaContext());

    expect(lineSaying('Record rejected: it can never succeed')[0]).toMatchObject({
      orderId: 'ord-log-poison',
    });
  });

  it('takes them off after the record, so a later line of the invocation does not carry them', async () => {
    const handle = async () => ({});

    await consumer(handle)(sqsEvent(sqsRecord(orderConfirmed({ orderId: 'ord-log-3' }))), lambdaContext());
    logger.info('after the batch');

    expect(lineSaying('after the batch')[0]).not.toHaveProperty('orderId');
    expect(lineSaying('after the batch')[0]).not.toHaveProperty('correlationId');
  });
});

describe('a saga step logs with the correlation keys of the order it runs for', () => {
  const step = (work: () => Promise<unknown>) =>
    idempotentStep(SagaInputSchema, work, {
      keyOf: (input: { order: { orderId: string } }) => input.order.orderId,
      persistenceStore: new InMemoryPersistenceLayer(),
    });

  it("puts the OrderPlaced's correlationId, eventId, idempotencyKey and the orderId on the step's lines", async () => {
    const input = sagaInput({ orderId: 'ord-step-1' });
    const work = async () => {
      logger.info('reserving');
      return { outcome: 'OK' };
    };

    await step(work)(input, lambdaContext());

    expect(lineSaying('reserving')[0]).toMatchObject({
      orderId: 'ord-step-1',
      correlationId: input.metadata.correlationId,
      eventId: input.metadata.eventId,
      idempotencyKey: input.metadata.idempotencyKey,
    });
  });

  it('puts them on the rejection of an invalid step input', async () => {
    const input = { ...sagaInput({ orderId: 'ord-step-bad' }), order: { orderId: 'ord-step-bad' } };

    await step(async () => ({}))(input, lambdaContext()).catch(() => undefined);

    expect(lineSaying('Step input rejected')[0]).toMatchObject({ orderId: 'ord-step-bad' });
  });

  it('takes them off after the step', async () => {
    await step(async () => ({ outcome: 'OK' }))(sagaInput({ orderId: 'ord-step-2' }), lambdaContext());
    logger.info('after the step');

    expect(lineSaying('after the step')[0]).not.toHaveProperty('orderId');
  });
});
