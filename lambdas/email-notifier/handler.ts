import { OrderOutcomeSchema } from '../../contracts/events/order-outcome.js';
import { requireEnv } from '../shared/env.js';
import { createSqsConsumer } from '../shared/sqs-consumer.js';
import { notifyCustomer } from './compose-email.js';
import { LedgerMailer } from './ledger-mailer.js';

const mailer = new LedgerMailer(requireEnv('LEDGER_TABLE_NAME'));

export const handler = createSqsConsumer({
  schema: OrderOutcomeSchema,
  handle: (event) => notifyCustomer(event, mailer),
});
