import { OrderPlacedSchema } from '../../contracts/events/order-placed.js';
import { DynamoDbPaymentTokenVault } from '../fulfilment/payment-token-vault.js';
import { requireEnv } from '../shared/env.js';
import { logger } from '../shared/powertools.js';
import { createSqsConsumer } from '../shared/sqs-consumer.js';
import { startSaga } from './start-saga.js';
import { StepFunctionsStarter } from './step-functions-starter.js';

const starter = new StepFunctionsStarter(requireEnv('STATE_MACHINE_ARN'));
const vault = new DynamoDbPaymentTokenVault(requireEnv('FULFILMENT_TABLE_NAME'));

export const handler = createSqsConsumer({
  schema: OrderPlacedSchema,
  handle: async (event) => {
    const started = await startSaga(event, starter, vault);
    if (started.result === 'already-started') logger.info('Saga already running for this order', started);
    return started;
  },
});
