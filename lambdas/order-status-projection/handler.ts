import { OrderStatusChangedSchema } from '../../contracts/events/order-status-changed.js';
import { requireEnv } from '../shared/env.js';
import { logger } from '../shared/powertools.js';
import { createSqsConsumer } from '../shared/sqs-consumer.js';
import { DynamoDbStatusProjection } from './dynamodb-status-projection.js';
import { projectStatus } from './project-status.js';

const projection = new DynamoDbStatusProjection(requireEnv('LEDGER_TABLE_NAME'));

export const handler = createSqsConsumer({
  schema: OrderStatusChangedSchema,
  fifo: true,
  handle: async (event) => {
    const result = await projectStatus(event, projection);
    if (result.outcome === 'stale') logger.info('Ignored a status change older than the projection', result);
    return result;
  },
});
