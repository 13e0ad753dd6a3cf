import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/clients.js';
import { ledgerKeys } from '../shared/ledger.js';
import type { AuditEntry, AuditTrail } from './audit.js';

/**
 * One item per event, sorted by when it happened, keyed by the event it records: a repeat
 * (a replayed offset, a retried batch) writes the same item again instead of a second line.
 */
export class DynamoDbAuditTrail implements AuditTrail {
  constructor(private readonly tableName: string) {}

  async append(entry: AuditEntry): Promise<void> {
    await documentClient().send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: ledgerKeys.order(entry.orderId),
          sk: ledgerKeys.audit(entry.occurredAt, entry.eventId),
          ...entry,
        },
      }),
    );
  }
}
