import { ConditionalCheckFailedException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient, toAttributes } from '../shared/clients.js';
import { effectKeys, effectSortKey } from './effect-keys.js';
import type { RouteEffect, RouteEffectStore } from './route-effects.js';

/**
 * One item per effect, written only if its key is new: the first delivery of an event leaves
 * the effect, and a repeat (a retry whose first attempt timed out after writing, or a re-publish
 * of the same fact) finds it there and changes nothing, so the first case, forward or fact stands.
 */
export class DynamoDbRouteEffects implements RouteEffectStore {
  constructor(private readonly tableName: string) {}

  async record(effect: RouteEffect): Promise<void> {
    try {
      await dynamoClient().send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toAttributes({ pk: effectKeys.order(effect.orderId), sk: effectSortKey(effect), ...effect }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
