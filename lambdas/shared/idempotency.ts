import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { dynamoClient } from './clients.js';
import { requireEnv } from './env.js';

/** IDEMPOTENCY_EXPIRY_SECONDS as a positive whole number; a bad value fails the cold start. */
export function expirySeconds(value: string | undefined, fallback = 86_400): number {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isInteger(seconds) || seconds <= 0) {
    throw new Error(`IDEMPOTENCY_EXPIRY_SECONDS must be a positive whole number of seconds, got '${value}'.`);
  }
  return seconds;
}

/**
 * Wrap a function so it runs at most once per key (`keyOf` its first argument; the function
 * name is prefixed by Powertools): a repeat returns the stored result, a throw deletes the
 * in-progress record so a retry runs it again. A missing key throws. Records live in the table
 * named by IDEMPOTENCY_TABLE_NAME for IDEMPOTENCY_EXPIRY_SECONDS (QueueConsumer and the stacks
 * set both).
 *
 * The key is taken by a function, not a JMESPath: Powertools then hashes the key itself (the
 * same record id a JMESPath to it gives), and the bundles leave its JMESPath engine out
 * (lib/stacks/app-functions.ts).
 */
export function idempotent<TFirst, TRest extends unknown[], TResult>(
  fn: (first: TFirst, ...rest: TRest) => Promise<TResult>,
  keyOf: (first: TFirst) => string | undefined,
  persistenceStore?: BasePersistenceLayer,
): { run: (first: TFirst, ...rest: TRest) => Promise<TResult>; config: IdempotencyConfig } {
  const config = new IdempotencyConfig({
    expiresAfterSeconds: expirySeconds(process.env.IDEMPOTENCY_EXPIRY_SECONDS),
    throwOnNoIdempotencyKey: true,
  });
  const store =
    persistenceStore ??
    new DynamoDBPersistenceLayer({
      tableName: requireEnv('IDEMPOTENCY_TABLE_NAME'),
      awsSdkV3Client: dynamoClient(),
    });
  // Powertools hashes the first argument: here, the key alone.
  const once = makeIdempotent(
    (_key: string | undefined, first: TFirst, ...rest: TRest) => fn(first, ...rest),
    { persistenceStore: store, config },
  );
  return { run: (first, ...rest) => once(keyOf(first), first, ...rest), config };
}
