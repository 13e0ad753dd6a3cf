import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/clients.js';
import { ledgerKeys } from '../shared/ledger.js';
import type { FactStore, OrderFact } from './record-fact.js';

/** Appends each fact as a new item, as an analytics sink would: duplicates would be visible. */
export class DynamoDbFactStore implements FactStore {
  constructor(private readonly tableName: string) {}

  async append(fact: OrderFact): Promise<void> {
    await documentClient().send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: ledgerKeys.order(fact.orderId),
          sk: ledgerKeys.analytics(fact.outcome, randomUUID()),
          ...fact,
        },
      }),
    );
  }
}
