import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SagaInput, SagaInputSchema } from '../../../contracts/saga-state.js';
import { idempotentStep } from '../../../lambdas/shared/idempotent-step.js';
import { logger } from '../../../lambdas/shared/powertools.js';
import { InMemoryPersistenceLayer } from '../support/in-memory-persistence.js';
import { sagaInput } from '../support/orders.js';
import { lambdaContext } from '../support/sqs.js';

// The Powertools singletons are created when powertools.ts is imported: configure them first.
// Tracing off (and no AWS_EXECUTION_ENV, so X-Ray is never reached), metrics off, logs silenced
// (the logger's methods are still called, and spied on below). No idempotency table and no
// function name from the environment: each test passes its own in-memory persistence store.
vi.hoisted(() => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'UnitTests');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'idempotent-step-test');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_IDEMPOTENCY_DISABLED', undefined);
  vi.stubEnv('IDEMPOTENCY_TABLE_NAME', undefined);
  vi.stubEnv('IDEMPOTENCY_EXPIRY_SECONDS', undefined);
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', undefined);
  vi.stubEnv('AWS_EXECUTION_ENV', undefined);
});

type Result = { outcome: 'OK'; run: number; orderId: string };

let store: InMemoryPersistenceLayer;

beforeEach(() => {
  store = new InMemoryPersistenceLayer();
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(() => {
  vi.unstubAllEnvs();
});

/** A step that answers with how many times it has run, over an idempotent wrapper keyed on the order. */
function countingStep() {
  let runs = 0;
  const step = vi.fn(async (input: SagaInput): Promise<Result> => {
    runs += 1;
    return { outcome: 'OK', run: runs, orderId: input.order.orderId };
  });
  const handler = idempotentStep(SagaInputSchema, step, {
    keyOf: (input: { order: { orderId: string } }) => input.order.orderId,
    persistenceStore: store,
  });
  return { step, handler };
}

describe('idempotentStep', () => {
  it('runs the step with the parsed input and returns its result', async () => {
    const { step, handler } = countingStep();
    const input = sagaInput({ orderId: 'ord-1' });

    const result = await handler(input, lambdaContext());

    expect(result).toEqual({ outcome: 'OK', run: 1, orderId: 'ord-1' });
    expect(step).toHaveBeenCalledWith(input);
  });

  it('hands the step what the schema parsed, without fields the order schema does not declare', async () => {
    const { step, handler } = countingStep();
    const input = sagaInput({ orderId: 'ord-1' });

    await handler({ ...input, order: { ...input.order, internalNote: 'not for the saga' } }, lambdaContext());

    expect(step.mock.calls[0]?.[0].order).not.toHaveProperty('internalNote');
  });

  it('runs the step once for the same order id', async () => {
    const { step, handler } = countingStep();

    await handler(sagaInput({ orderId: 'ord-1' }), lambdaContext());
    await handler(sagaInput({ orderId: 'ord-1' }), lambdaContext());

    expect(step).toHaveBeenCalledTimes(1);
  });

  it('returns the stored result for a repeat of the same order id', async () => {
    const { handler } = countingStep();

    const first = await handler(sagaInput({ orderId: 'ord-1' }), lambdaContext());
    const repeat = await handler(sagaInput({ orderId: 'ord-1' }), lambdaContext());

    expect(repeat).toEqual(first);
  });

  it('keys on the order id alone: a repeat whose other fields differ still gets the stored result', async () => {
    const { step, handler } = countingStep();

    await handler(sagaInput({ orderId: 'ord-1', total: 120 }), lambdaContext());
    const repeat = await handler(
      { ...sagaInput({ orderId: 'ord-1', total: 130 }), results: { ReserveStock: { outcome: 'OK' } } },
      lambdaContext(),
    );

    expect(step).toHaveBeenCalledTimes(1);
    expect(repeat).toEqual({ outcome: 'OK', run: 1, orderId: 'ord-1' });
  });

  it('runs the step again for a different order', async () => {
    const { step, handler } = countingStep();

    await handler(sagaInput({ orderId: 'ord-1' }), lambdaContext());
    const other = await handler(sagaInput({ orderId: 'ord-2' }), lambdaContext());

    expect(step).toHaveBeenCalledTimes(2);
    expect(other).toEqual({ outcome: 'OK', run: 2, orderId: 'ord-2' });
  });

  it('re-throws the error the step threw', async () => {
    const failure = new Error('payment provider timed out');
    const { step, handler } = countingStep();
    step.mockRejectedValueOnce(failure);

    await expect(handler(sagaInput(), lambdaContext())).rejects.toBe(failure);
  });

  it('runs the step again on a retry after it threw, and returns the retry’s result', async () => {
    const { step, handler } = countingStep();
    step.mockRejectedValueOnce(new Error('payment provider timed out'));

    await handler(sagaInput({ orderId: 'ord-1' }), lambdaContext()).catch(() => undefined);
    const retry = await handler(sagaInput({ orderId: 'ord-1' }), lambdaContext());

    expect(step).toHaveBeenCalledTimes(2);
    expect(retry).toEqual({ outcome: 'OK', run: 1, orderId: 'ord-1' });
  });

  it('keeps no record of a run that threw', async () => {
    const { step, handler } = countingStep();
    step.mockRejectedValueOnce(new Error('payment provider timed out'));

    await handler(sagaInput(), lambdaContext()).catch(() => undefined);

    expect(store.records.size).toBe(0);
  });

  it('rejects an input that fails the schema with an error naming the failing path', async () => {
    const { handler } = countingStep();
    const input = sagaInput();

    await expect(
      handler({ ...input, order: { ...input.order, customerEmail: 'not-an-email' } }, lambdaContext()),
    ).rejects.toThrow(/order\.customerEmail/);
  });

  it('names a missing part of the input', async () => {
    const { handler } = countingStep();

    await expect(handler({ order: sagaInput().order }, lambdaContext())).rejects.toThrow(/metadata/);
  });

  it('never calls the step for an input that fails the schema', async () => {
    const { step, handler } = countingStep();
    const input = sagaInput();

    await handler({ ...input, order: { ...input.order, items: [] } }, lambdaContext()).catch(() => undefined);

    expect(step).not.toHaveBeenCalled();
  });

  it('stores no idempotency record for an input that fails the schema', async () => {
    const { handler } = countingStep();

    await handler({ order: { orderId: 'ord-1' } }, lambdaContext()).catch(() => undefined);

    expect(store.records.size).toBe(0);
  });

  it('logs a rejected input at error level with the reason', async () => {
    const error = vi.spyOn(logger, 'error');
    const { handler } = countingStep();
    const input = sagaInput();

    await handler({ ...input, order: { ...input.order, total: -1 } }, lambdaContext()).catch(() => undefined);

    expect(error).toHaveBeenCalledWith(
      expect.stringMatching(/rejected/i),
      expect.objectContaining({ reason: expect.stringContaining('order.total') }),
    );
  });
});
