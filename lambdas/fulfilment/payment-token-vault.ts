import { createHash } from 'node:crypto';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient, toAttributes } from '../shared/clients.js';

/**
 * Port: keeps an order's payment token out of the saga. The starter deposits the token and
 * passes on only the reference; the one step that pays redeems it. So the token is in neither
 * the saga state, the execution history (kept 90 days) nor any log line.
 */
export interface PaymentTokenVault {
  /** Keep the token of `orderId`; returns its reference. The same order gives the same one. */
  deposit(orderId: string, token: string): Promise<string>;
  /** The token behind a reference, or undefined when the vault has none. */
  redeem(reference: string): Promise<string | undefined>;
}

/**
 * A reference that says nothing of the token or the order (a hash of the order id), and is the
 * same on every attempt, so a retried start deposits into the same item.
 */
export function paymentTokenReference(orderId: string): string {
  return `ptr_${createHash('sha256').update(orderId, 'utf8').digest('hex').slice(0, 32)}`;
}

/** In the fulfilment table (encrypted at rest): `PAYMENT_TOKEN#<reference>` / `TOKEN`. */
export const vaultKey = (reference: string) => ({ pk: `PAYMENT_TOKEN#${reference}`, sk: 'TOKEN' });

export class DynamoDbPaymentTokenVault implements PaymentTokenVault {
  constructor(private readonly tableName: string) {}

  async deposit(orderId: string, token: string): Promise<string> {
    const reference = paymentTokenReference(orderId);
    await dynamoClient().send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: toAttributes({ ...vaultKey(reference), token }),
      }),
    );
    return reference;
  }

  async redeem(reference: string): Promise<string | undefined> {
    const result = await dynamoClient().send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: toAttributes(vaultKey(reference)),
        ConsistentRead: true,
      }),
    );
    return result.Item?.token?.S;
  }
}
