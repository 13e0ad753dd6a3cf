import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient, toAttributes } from '../shared/clients.js';
import { ledgerKeys } from '../shared/ledger.js';
import type { AuditEntry, AuditTrail } from './audit.js';

/**
 * One item per event, sorted by when it happened, keyed by the event it records: a repeat
 * (a replayed offset, a retried batch) writes the same item again instead of a second line.
 */
export class DynamoDbAuditTrail implements AuditTrail {
  constructor(private readonly tableName: string) {}

  async append(entry: AuditEntry): Promise<void> {
    await dynamoClient().send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: toAttributes({
          pk: ledgerKeys.order(entry.orderId),
          sk: ledgerKeys.audit(entry.occurredAt, entry.eventId),
          ...entry,
        }),
      }),
    );
  }
}
