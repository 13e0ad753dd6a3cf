import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient, toAttributes } from '../shared/clients.js';
import { ledgerKeys } from '../shared/ledger.js';
import type { FactStore, OrderFact } from './record-fact.js';

/**
 * One item per fact, keyed by the event it came from: a repeat of the same event (a retry
 * whose first attempt timed out after writing) overwrites itself instead of counting twice.
 */
export class DynamoDbFactStore implements FactStore {
  constructor(private readonly tableName: string) {}

  async append(fact: OrderFact): Promise<void> {
    await dynamoClient().send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: toAttributes({
          pk: ledgerKeys.order(fact.orderId),
          sk: ledgerKeys.analytics(fact.outcome, fact.eventId),
          ...fact,
        }),
      }),
    );
  }
}
