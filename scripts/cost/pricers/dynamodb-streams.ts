import { batching, SECONDS_PER_MONTH } from '../billing.js';
import { PRICES } from '../prices.js';
import type { EventStoreTraffic } from './event-store.js';
import { durationOf, type FunctionLoad, type Ledger } from './ledger.js';

/**
 * DynamoDB Streams: the event store's stream carries a record per event appended, and a Lambda
 * trigger's reads of it are free. Records the load of the function it triggers (the outbox
 * relay) on the way: each shard hands it what arrived between two polls, at least one record
 * and at most the mapping's batch size, so full batches only come at high rates.
 */
export function priceDynamoDbStreams(ledger: Ledger, store: EventStoreTraffic, load: FunctionLoad): void {
  const { structure, a } = ledger;
  const mapping = store.table ? structure.mappings.find((m) => m.queue === store.table) : undefined;
  if (!mapping) return;
  const d = durationOf(structure.functions, mapping.function, a);
  // Each shard is polled on its own, with its share of the records.
  const perShard = batching({
    messages: store.events / a.streamShards,
    batchSize: mapping.batchSize,
    windowSeconds: mapping.batchingWindowSeconds,
    unbatchedGatherSeconds: a.streamPollSeconds,
  });
  load.use(
    mapping.function,
    perShard.invocations * a.streamShards,
    store.events,
    d.perInvocationMs + d.perRecordMs * perShard.perInvocation,
  );
  const reads = (a.streamShards / a.streamPollSeconds) * SECONDS_PER_MONTH;
  ledger.add({
    service: 'DynamoDB Streams',
    item: 'reads by the Lambda trigger (free)',
    units: reads,
    unit: 'GetRecords',
    usd: reads * PRICES.dynamoStreamsLambdaRead.usd,
  });
}
