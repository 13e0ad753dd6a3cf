import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { search } from '@aws-lambda-powertools/jmespath';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { idempotent } from '../../../lambdas/shared/idempotency.js';
import { InMemoryPersistenceLayer } from '../support/in-memory-persistence.js';

vi.hoisted(() => {
  vi.stubEnv('POWERTOOLS_IDEMPOTENCY_DISABLED', undefined);
  vi.stubEnv('IDEMPOTENCY_TABLE_NAME', undefined);
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', undefined);
});

afterAll(() => {
  vi.unstubAllEnvs();
});

const event = { detail: { metadata: { idempotencyKey: 'OrderPlaced:ord-7' } }, other: 'ignored' };
const keyOf = (e: typeof event) => e.detail.metadata.idempotencyKey;

describe('idempotent', () => {
  it('stores the record under the id a JMESPath to the same key gives, so records from before the change still match', async () => {
    const byFunction = new InMemoryPersistenceLayer();
    const byPath = new InMemoryPersistenceLayer();
    const work = async (e: typeof event) => e.other;
    await idempotent(work, keyOf, byFunction).run(event);
    await makeIdempotent(work, {
      persistenceStore: byPath,
      config: new IdempotencyConfig({ eventKeyJmesPath: 'detail.metadata.idempotencyKey' }),
    })(event);

    expect(search('detail.metadata.idempotencyKey', event)).toBe(keyOf(event));
    expect([...byFunction.records.keys()]).toEqual([...byPath.records.keys()]);
  });

  it('runs once per key and hands the function its own arguments', async () => {
    const store = new InMemoryPersistenceLayer();
    const work = vi.fn(async (e: typeof event, suffix: string) => `${e.other}${suffix}`);
    const { run } = idempotent(work, keyOf, store);

    expect(await run(event, '!')).toBe('ignored!');
    expect(await run({ ...event, other: 'changed' }, '?')).toBe('ignored!');
    expect(work).toHaveBeenCalledTimes(1);
    expect(work).toHaveBeenCalledWith(event, '!');
  });

  it('fails if the event has no key', async () => {
    const { run } = idempotent(
      async () => 'done',
      () => undefined,
      new InMemoryPersistenceLayer(),
    );

    // Powertools wraps the key error in its persistence error.
    await expect(run(event)).rejects.toMatchObject({
      cause: expect.objectContaining({ message: expect.stringMatching(/idempotency_key/) }),
    });
  });
});
