import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/clients.js';
import { TransientError } from '../shared/errors.js';
import { ledgerKeys } from '../shared/ledger.js';
import type { Email, Mailer } from './compose-email.js';

/**
 * The reference app has no mail provider: this adapter records each email in the ledger table
 * instead. Every call writes a new item, as a real send would, so a duplicate delivery that
 * got past idempotency would show up as two emails. Recipients under the reserved `.invalid`
 * top-level domain (RFC 2606) behave like a provider outage, so retries and dead-lettering can
 * be exercised end to end with real data.
 */
export class LedgerMailer implements Mailer {
  constructor(private readonly tableName: string) {}

  async send(orderId: string, email: Email): Promise<{ messageId: string }> {
    if (email.to.toLowerCase().endsWith('.invalid')) {
      throw new TransientError(`mail provider did not answer for ${email.to}`);
    }
    const messageId = randomUUID();
    await documentClient().send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: ledgerKeys.order(orderId),
          sk: ledgerKeys.email(messageId),
          ...email,
          sentAt: new Date().toISOString(),
        },
      }),
    );
    return { messageId };
  }
}
