import { TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient, toAttributes } from './clients.js';

/** An ADD to a running total, and the marker item that says which fact it counted. */
export interface CountedAdd {
  readonly tableName: string;
  /** The marker: its key names the fact (an order, an award), so it can be written once only. */
  readonly marker: Record<string, unknown> & { pk: string; sk: string };
  /** The total's key and the ADD (UpdateExpression with its values and names). */
  readonly total: {
    readonly key: { pk: string; sk: string };
    readonly add: string;
    readonly values: Record<string, number>;
    readonly names?: Record<string, string>;
  };
}

/**
 * Adds to a total in one transaction with a marker item written only if absent: a repeat of
 * the same fact (a retry whose first attempt timed out after committing, a replayed record)
 * cancels the transaction instead of counting twice.
 */
export async function addOnce(c: CountedAdd): Promise<'added' | 'already counted'> {
  try {
    await dynamoClient().send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: c.tableName,
              Item: toAttributes(c.marker),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: c.tableName,
              Key: toAttributes(c.total.key),
              UpdateExpression: c.total.add,
              ExpressionAttributeValues: toAttributes(c.total.values),
              ...(c.total.names ? { ExpressionAttributeNames: c.total.names } : {}),
            },
          },
        ],
      }),
    );
    return 'added';
  } catch (error) {
    const counted =
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
    if (counted) return 'already counted';
    throw error;
  }
}
