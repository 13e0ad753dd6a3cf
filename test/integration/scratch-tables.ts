import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from '../../scripts/emulator/emulator.js';

const dynamo = new DynamoDBClient(
  clientConfig(emulatorEnv(process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT)),
);
/** A document client on the emulator, as the app's functions build theirs. */
export const documents = DynamoDBDocumentClient.from(dynamo, {
  marshallOptions: { removeUndefinedValues: true },
});

/**
 * A table of the test file's own on the emulator's DynamoDB, created before its tests and
 * deleted after: keys as [name, type], partition key first. Returns its name.
 */
export function scratchTable(prefix: string, keys: ReadonlyArray<readonly [string, 'S' | 'N']>): string {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keys.map(([AttributeName], i) => ({ AttributeName, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
        AttributeDefinitions: keys.map(([AttributeName, AttributeType]) => ({
          AttributeName,
          AttributeType,
        })),
      }),
    );
    await waitUntilTableExists({ client: dynamo, maxWaitTime: 30 }, { TableName: name });
  });
  afterAll(async () => {
    await dynamo.send(new DeleteTableCommand({ TableName: name }));
  });
  return name;
}

/** The key schema of an EventStore table. */
export const EVENT_STORE_KEYS = [
  ['aggregateId', 'S'],
  ['version', 'N'],
] as const;
