import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient, toAttributes } from '../shared/clients.js';
import type { BenchStore, EffectItem, InvocationItem } from './bench-record.js';

export class DynamoDbBenchStore implements BenchStore {
  constructor(private readonly tableName: string) {}

  async put(item: EffectItem | InvocationItem): Promise<void> {
    await dynamoClient().send(
      new PutItemCommand({ TableName: this.tableName, Item: toAttributes({ ...item }) }),
    );
  }
}
