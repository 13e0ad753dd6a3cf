import { OrderOutcomeSchema } from '../../contracts/events/order-outcome.js';
import { requireEnv } from '../shared/env.js';
import { createSqsConsumer } from '../shared/sqs-consumer.js';
import { DynamoDbFactStore } from './dynamodb-fact-store.js';
import { recordFact } from './record-fact.js';

const store = new DynamoDbFactStore(requireEnv('LEDGER_TABLE_NAME'));

export const handler = createSqsConsumer({
  schema: OrderOutcomeSchema,
  handle: (event) => recordFact(event, store),
});
