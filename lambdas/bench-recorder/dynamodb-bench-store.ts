import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/clients.js';
import type { BenchStore, EffectItem, InvocationItem } from './bench-record.js';

export class DynamoDbBenchStore implements BenchStore {
  constructor(private readonly tableName: string) {}

  async put(item: EffectItem | InvocationItem): Promise<void> {
    await documentClient().send(new PutCommand({ TableName: this.tableName, Item: item }));
  }
}
