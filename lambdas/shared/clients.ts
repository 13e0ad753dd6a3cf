import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

// Created on first use so a function bundles and initialises only the clients it touches.
let dynamo: DynamoDBClient | undefined;

export function dynamoClient(): DynamoDBClient {
  dynamo ??= new DynamoDBClient({});
  return dynamo;
}

/**
 * A plain object as DynamoDB attribute values, undefined members left out. The consumers'
 * single-item writes use the low-level client with util-dynamodb's marshalling rather than
 * the document client: Powertools idempotency bundles util-dynamodb anyway, and the document
 * client would add its command wrappers, 6 KB of each 300 KiB bundle. The event store, whose
 * queries and transactions read better with it, has it in document-client.ts.
 */
export function toAttributes(value: Record<string, unknown>) {
  return marshall(value, { removeUndefinedValues: true });
}
