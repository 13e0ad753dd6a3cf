import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/clients.js';
import type { FulfilmentStore } from './fulfilment-store.js';

/**
 * Key layout (pk / sk):
 *   SKU#<sku>     STOCK              available, reserved
 *   ORDER#<id>    RESERVATION        status RESERVED | RELEASED, lines
 *   ORDER#<id>    PAYMENT            status AUTHORIZED | VOIDED, amount, currency
 *   ORDER#<id>    PAYMENT_ATTEMPTS   attempts
 *   ORDER#<id>    SHIPMENT           status CREATED | CANCELLED, country
 *   ORDER#<id>    ORDER              status CONFIRMED | ABANDONED
 *
 * An undo that finds nothing to undo writes the undone status anyway (a tombstone): a step
 * whose task timed out may still land afterwards, and its conditional write must then fail.
 */
export const fulfilmentKeys = {
  stock: (sku: string) => ({ pk: `SKU#${sku}`, sk: 'STOCK' }),
  order: (orderId: string, sk: 'RESERVATION' | 'PAYMENT' | 'PAYMENT_ATTEMPTS' | 'SHIPMENT' | 'ORDER') => ({
    pk: `ORDER#${orderId}`,
    sk,
  }),
};

/** The transaction item that takes a line's units from its SKU's stock, if enough are available. */
export const takeStock = (tableName: string, line: { sku: string; quantity: number; initial: number }) => ({
  Update: {
    TableName: tableName,
    Key: fulfilmentKeys.stock(line.sku),
    UpdateExpression: 'SET available = if_not_exists(available, :initial) - :q ADD reserved :q',
    // A SKU seen for the first time starts with its initial stock.
    ConditionExpression:
      line.initial >= line.quantity
        ? 'attribute_not_exists(available) OR available >= :q'
        : 'available >= :q',
    ExpressionAttributeValues: { ':initial': line.initial, ':q': line.quantity },
  },
});

/** The transaction item that puts a line's reserved units back. */
export const giveBackStock = (tableName: string, line: { sku: string; quantity: number }) => ({
  Update: {
    TableName: tableName,
    Key: fulfilmentKeys.stock(line.sku),
    UpdateExpression: 'ADD available :q, reserved :minus',
    ExpressionAttributeValues: { ':q': line.quantity, ':minus': -line.quantity },
  },
});

/**
 * A write refused by its condition (the state is not what the step expects), as opposed to a
 * conflict with a concurrent transaction or throttling, which are faults worth retrying.
 */
const isConditionFailure = (error: unknown) => {
  if (error instanceof ConditionalCheckFailedException) return true;
  if (!(error instanceof TransactionCanceledException)) return false;
  const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return (
    codes.includes('ConditionalCheckFailed') &&
    codes.every((c) => c === 'None' || c === 'ConditionalCheckFailed')
  );
};

export class DynamoDbFulfilmentStore implements FulfilmentStore {
  constructor(private readonly tableName: string) {}

  private async status(
    orderId: string,
    sk: 'RESERVATION' | 'PAYMENT' | 'SHIPMENT' | 'ORDER',
  ): Promise<string | undefined> {
    const result = await documentClient().send(
      new GetCommand({
        TableName: this.tableName,
        Key: fulfilmentKeys.order(orderId, sk),
        ConsistentRead: true,
      }),
    );
    return result.Item?.status as string | undefined;
  }

  async reserve(
    orderId: string,
    lines: ReadonlyArray<{ sku: string; quantity: number; initial: number }>,
  ): Promise<boolean> {
    if ((await this.status(orderId, 'RESERVATION')) !== undefined) return true; // done before
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            ...lines.map((line) => takeStock(this.tableName, line)),
            {
              Put: {
                TableName: this.tableName,
                Item: { ...fulfilmentKeys.order(orderId, 'RESERVATION'), status: 'RESERVED', lines },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Either a concurrent attempt reserved it first, or some SKU lacks stock.
      return (await this.status(orderId, 'RESERVATION')) !== undefined;
    }
  }

  async release(orderId: string): Promise<'released' | 'nothing-to-release'> {
    const tombstone = { ...fulfilmentKeys.order(orderId, 'RESERVATION'), status: 'RELEASED', lines: [] };
    const result = await this.releaseReserved(orderId);
    if (result === 'released' || (await this.status(orderId, 'RESERVATION')) !== undefined) return result;
    if (await this.putOnce(tombstone)) return 'nothing-to-release';
    return this.releaseReserved(orderId); // a late reservation landed between the two writes
  }

  private async releaseReserved(orderId: string): Promise<'released' | 'nothing-to-release'> {
    const reservation = await documentClient().send(
      new GetCommand({
        TableName: this.tableName,
        Key: fulfilmentKeys.order(orderId, 'RESERVATION'),
        ConsistentRead: true,
      }),
    );
    if (reservation.Item?.status !== 'RESERVED') return 'nothing-to-release';
    const lines = reservation.Item.lines as Array<{ sku: string; quantity: number }>;
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            ...lines.map((line) => giveBackStock(this.tableName, line)),
            {
              Update: {
                TableName: this.tableName,
                Key: fulfilmentKeys.order(orderId, 'RESERVATION'),
                UpdateExpression: 'SET #status = :released',
                ConditionExpression: '#status = :reserved',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':released': 'RELEASED', ':reserved': 'RESERVED' },
              },
            },
          ],
        }),
      );
      return 'released';
    } catch (error) {
      if (isConditionFailure(error)) return 'nothing-to-release';
      throw error;
    }
  }

  async countPaymentAttempt(orderId: string): Promise<number> {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: fulfilmentKeys.order(orderId, 'PAYMENT_ATTEMPTS'),
        UpdateExpression: 'ADD attempts :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.attempts ?? 1);
  }

  /** Writes the item unless its key exists; true when this call wrote it. */
  private async putOnce(item: Record<string, unknown>): Promise<boolean> {
    try {
      await documentClient().send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // already there: a repeat
      return false;
    }
  }

  /** from → to; with nothing there yet, writes `to` as a tombstone so a late `from` fails. */
  private async undo(
    orderId: string,
    sk: 'PAYMENT' | 'SHIPMENT',
    from: string,
    to: string,
  ): Promise<boolean> {
    if (await this.transition(orderId, sk, from, to)) return true;
    if (await this.putOnce({ ...fulfilmentKeys.order(orderId, sk), status: to })) return false;
    return this.transition(orderId, sk, from, to); // a late action landed between the two writes
  }

  private async transition(
    orderId: string,
    sk: 'PAYMENT' | 'SHIPMENT',
    from: string,
    to: string,
  ): Promise<boolean> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: fulfilmentKeys.order(orderId, sk),
          UpdateExpression: 'SET #status = :to',
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':from': from, ':to': to },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async authorizePayment(orderId: string, amount: number, currency: string): Promise<void> {
    await this.putOnce({
      ...fulfilmentKeys.order(orderId, 'PAYMENT'),
      status: 'AUTHORIZED',
      amount,
      currency,
    });
  }

  async voidPayment(orderId: string): Promise<'voided' | 'nothing-to-void'> {
    return (await this.undo(orderId, 'PAYMENT', 'AUTHORIZED', 'VOIDED')) ? 'voided' : 'nothing-to-void';
  }

  async createShipment(orderId: string, country: string): Promise<void> {
    await this.putOnce({ ...fulfilmentKeys.order(orderId, 'SHIPMENT'), status: 'CREATED', country });
  }

  async cancelShipment(orderId: string): Promise<'cancelled' | 'nothing-to-cancel'> {
    return (await this.undo(orderId, 'SHIPMENT', 'CREATED', 'CANCELLED')) ? 'cancelled' : 'nothing-to-cancel';
  }

  async confirm(orderId: string): Promise<void> {
    await this.putOnce({ ...fulfilmentKeys.order(orderId, 'ORDER'), status: 'CONFIRMED' });
  }

  async settleConfirmation(orderId: string): Promise<'confirmed' | 'abandoned'> {
    if (await this.putOnce({ ...fulfilmentKeys.order(orderId, 'ORDER'), status: 'ABANDONED' }))
      return 'abandoned';
    return (await this.status(orderId, 'ORDER')) === 'CONFIRMED' ? 'confirmed' : 'abandoned';
  }
}
