import { OrderLogEventSchema } from '../../contracts/domain/order-log.js';
import { requireEnv } from '../shared/env.js';
import { createKafkaConsumer } from '../shared/kafka-consumer.js';
import { recordAudit } from './audit.js';
import { DynamoDbAuditTrail } from './dynamodb-audit-trail.js';

// The order audit trail: every event of the order log, as soon as it is appended (low-latency).
const trail = new DynamoDbAuditTrail(requireEnv('LOG_TABLE_NAME'));

export const handler = createKafkaConsumer({
  schema: OrderLogEventSchema,
  handle: (event, position) => recordAudit(event, position, trail),
});
