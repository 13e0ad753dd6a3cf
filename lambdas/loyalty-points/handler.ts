import { OrderConfirmedSchema } from '../../contracts/events/order-confirmed.js';
import { requireEnv } from '../shared/env.js';
import { createSqsConsumer } from '../shared/sqs-consumer.js';
import { awardPoints } from './award-points.js';
import { DynamoDbLoyaltyLedger } from './dynamodb-loyalty-ledger.js';

const ledger = new DynamoDbLoyaltyLedger(requireEnv('LEDGER_TABLE_NAME'));

export const handler = createSqsConsumer({
  schema: OrderConfirmedSchema,
  handle: (event) => awardPoints(event, ledger),
});
