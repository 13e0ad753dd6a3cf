import { OrderLogEventSchema } from '../../contracts/domain/order-log.js';
import { requireEnv } from '../shared/env.js';
import { createKafkaConsumer } from '../shared/kafka-consumer.js';
import { logger } from '../shared/powertools.js';
import { DynamoDbSalesWindows } from './dynamodb-sales-windows.js';
import { countSale } from './sales.js';

// Per-minute sales totals from the order log, read in large batches (high-throughput).
const windows = new DynamoDbSalesWindows(requireEnv('LOG_TABLE_NAME'));

export const handler = createKafkaConsumer({
  schema: OrderLogEventSchema,
  handle: async (event) => {
    const { sale, outcome } = await countSale(event, windows);
    if (outcome === 'already counted') logger.info('Sale already counted', { orderId: sale?.orderId });
    return outcome;
  },
});
