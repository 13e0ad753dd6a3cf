import { ConditionalCheckFailedException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { OrderStatus } from '../../contracts/events/order-status-changed.js';
import { dynamoClient, toAttributes } from '../shared/clients.js';
import { ledgerKeys } from '../shared/ledger.js';
import type { ProjectionOutcome, StatusProjection } from './project-status.js';

/** A conditional update: only a higher sequence replaces the stored status. */
export class DynamoDbStatusProjection implements StatusProjection {
  constructor(private readonly tableName: string) {}

  async advance(
    orderId: string,
    status: OrderStatus,
    sequence: number,
    eventId: string,
  ): Promise<ProjectionOutcome> {
    try {
      await dynamoClient().send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: toAttributes({ pk: ledgerKeys.order(orderId), sk: ledgerKeys.status }),
          UpdateExpression:
            'SET #status = :status, #sequence = :sequence, lastEventId = :eventId, updatedAt = :now',
          ConditionExpression: 'attribute_not_exists(#sequence) OR #sequence < :sequence',
          ExpressionAttributeNames: { '#status': 'status', '#sequence': 'sequence' },
          ExpressionAttributeValues: toAttributes({
            ':status': status,
            ':sequence': sequence,
            ':eventId': eventId,
            ':now': new Date().toISOString(),
          }),
        }),
      );
      return 'applied';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'stale';
      throw error;
    }
  }
}
