import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { OrderOutcomeSchema } from '../../contracts/events/order-outcome.js';
import { requireEnv } from '../shared/env.js';
import { createSqsConsumer } from '../shared/sqs-consumer.js';
import { invocationItem, recordEffect } from './bench-record.js';
import { DynamoDbBenchStore } from './dynamodb-bench-store.js';

// Benchmark stack only (npm run bench). One artifact for every variant: BENCH_VARIANT names
// the variant, and a function deployed without IDEMPOTENCY_TABLE_NAME runs without
// idempotency, which is the baseline its cost is measured against.
const variant = requireEnv('BENCH_VARIANT');
const store = new DynamoDbBenchStore(requireEnv('BENCH_TABLE_NAME'));

const consume = createSqsConsumer({
  schema: OrderOutcomeSchema,
  handle: (event) => recordEffect(event, variant, store),
  idempotency: process.env.IDEMPOTENCY_TABLE_NAME !== undefined,
});

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const startedAt = Date.now();
  try {
    return await consume(event, context);
  } finally {
    // Counted after the records, so it adds nothing to their latency.
    await store.put(
      invocationItem(variant, context.awsRequestId, event.Records.length, startedAt, Date.now()),
    );
  }
}
