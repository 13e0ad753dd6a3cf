import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient, toAttributes } from '../shared/clients.js';
import { TransientError } from '../shared/errors.js';
import { ledgerKeys } from '../shared/ledger.js';
import type { Email, Mailer } from './compose-email.js';

/**
 * The reference app has no mail provider: this adapter records each email in the ledger table
 * instead, one item per email reference (the event's idempotency key), which it treats as a
 * provider-side idempotency key. Recipients under the reserved `.invalid`
 * top-level domain (RFC 2606) behave like a provider outage, so retries and dead-lettering can
 * be exercised end to end with real data.
 */
export class LedgerMailer implements Mailer {
  constructor(private readonly tableName: string) {}

  async send(orderId: string, email: Email): Promise<{ messageId: string }> {
    if (email.to.toLowerCase().endsWith('.invalid')) {
      throw new TransientError(`mail provider did not answer for ${email.to}`);
    }
    // Like a real provider's idempotency key: a second send of the same reference (a retry
    // whose first attempt timed out after sending) is recognised, not sent again.
    const messageId = randomUUID();
    const key = { pk: ledgerKeys.order(orderId), sk: ledgerKeys.email(email.reference) };
    try {
      await dynamoClient().send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toAttributes({ ...key, messageId, ...email, sentAt: new Date().toISOString() }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { messageId };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const sent = await dynamoClient().send(
        new GetItemCommand({ TableName: this.tableName, Key: toAttributes(key), ConsistentRead: true }),
      );
      return { messageId: sent.Item?.messageId?.S ?? messageId };
    }
  }
}
