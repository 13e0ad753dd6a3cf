import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbFulfilmentStore } from '../../../lambdas/fulfilment/dynamodb-fulfilment-store.js';

// The adapter's document client, replaced by a scripted fake: no network. Each test says what
// the reservation item reads as, and how TransactWriteItems answers.
const dynamo = vi.hoisted(() => ({ send: vi.fn() }));
vi.mock('../../../lambdas/shared/clients.js', () => ({ documentClient: () => dynamo }));

/**
 * How DynamoDB cancels a transaction: one TransactionCanceledException whatever the cause, with
 * one cancellation reason per item in request order (`None` for the items that were fine).
 */
function cancelled(...codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

/** Answers GetCommand with the given reservation items in turn (the last one repeats), and fails the transaction. */
function script(reservations: Array<Record<string, unknown> | undefined>, transaction: Error) {
  let reads = 0;
  dynamo.send.mockImplementation(async (command: unknown) => {
    if (command instanceof GetCommand) {
      const item = reservations[Math.min(reads, reservations.length - 1)];
      reads += 1;
      return item ? { Item: item } : {};
    }
    if (command instanceof TransactWriteCommand) throw transaction;
    throw new Error(`unexpected command ${(command as object).constructor.name}`);
  });
}

const LINES = [{ sku: 'STOCK5-CHAIR', quantity: 2, initial: 5 }];
const RESERVED = { pk: 'ORDER#ord-1', sk: 'RESERVATION', status: 'RESERVED', lines: LINES };
const TRANSIENT_CAUSES = ['TransactionConflict', 'ThrottlingError'];

let store: DynamoDbFulfilmentStore;

beforeEach(() => {
  dynamo.send.mockReset();
  store = new DynamoDbFulfilmentStore('FulfilmentTable');
});

describe('DynamoDbFulfilmentStore.reserve when the transaction is cancelled', () => {
  it('reports no stock when a stock condition failed and the order has no reservation', async () => {
    script([undefined], cancelled('ConditionalCheckFailed', 'None'));

    expect(await store.reserve('ord-1', LINES)).toBe(false);
  });

  it('reports success when a concurrent attempt for the same order reserved first', async () => {
    script([undefined, RESERVED], cancelled('None', 'ConditionalCheckFailed'));

    expect(await store.reserve('ord-1', LINES)).toBe(true);
  });

  // A transaction cancelled by a conflict or throttling is a fault to retry, not "out of stock".
  it.each(TRANSIENT_CAUSES)('throws, rather than declining the order, when cancelled by %s', async (code) => {
    script([undefined], cancelled(code, 'None'));

    await expect(store.reserve('ord-1', LINES)).rejects.toThrow();
  });
});

describe('DynamoDbFulfilmentStore.release when the transaction is cancelled', () => {
  it('releases nothing when the reservation was released concurrently', async () => {
    script([RESERVED], cancelled('None', 'ConditionalCheckFailed'));

    expect(await store.release('ord-1')).toBe('nothing-to-release');
  });

  // Likewise for release: reporting "nothing to release" would leave the units reserved forever.
  it.each(TRANSIENT_CAUSES)('throws, rather than releasing nothing, when cancelled by %s', async (code) => {
    script([RESERVED], cancelled(code, 'None'));

    await expect(store.release('ord-1')).rejects.toThrow();
  });
});

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/** Every item key the fake table holds, with its status; Put and Update honour their conditions. */
function table(items: Record<string, string>) {
  const key = (k: { pk: string; sk: string }) => `${k.pk}/${k.sk}`;
  dynamo.send.mockImplementation(async (command: unknown) => {
    if (command instanceof GetCommand) {
      const status = items[key(command.input.Key as { pk: string; sk: string })];
      return status ? { Item: { status } } : {};
    }
    if (command instanceof PutCommand) {
      const item = command.input.Item as { pk: string; sk: string; status: string };
      if (items[key(item)]) throw conditionFailed();
      items[key(item)] = item.status;
      return {};
    }
    if (command instanceof UpdateCommand) {
      const k = key(command.input.Key as { pk: string; sk: string });
      const values = command.input.ExpressionAttributeValues as Record<string, string>;
      if (items[k] !== values[':from']) throw conditionFailed();
      items[k] = values[':to'] as string;
      return {};
    }
    throw new Error(`unexpected command ${(command as object).constructor.name}`);
  });
  return items;
}

describe('DynamoDbFulfilmentStore undo with nothing to undo', () => {
  it('voidPayment leaves a VOIDED tombstone, so a late authorization cannot land', async () => {
    const items = table({});

    expect(await store.voidPayment('ord-1')).toBe('nothing-to-void');
    await store.authorizePayment('ord-1', 10, 'EUR');

    expect(items['ORDER#ord-1/PAYMENT']).toBe('VOIDED');
  });

  it('cancelShipment leaves a CANCELLED tombstone, so a late shipment cannot land', async () => {
    const items = table({});

    expect(await store.cancelShipment('ord-1')).toBe('nothing-to-cancel');
    await store.createShipment('ord-1', 'FR');

    expect(items['ORDER#ord-1/SHIPMENT']).toBe('CANCELLED');
  });

  it('voidPayment still voids an authorization that exists', async () => {
    const items = table({ 'ORDER#ord-1/PAYMENT': 'AUTHORIZED' });

    expect(await store.voidPayment('ord-1')).toBe('voided');
    expect(items['ORDER#ord-1/PAYMENT']).toBe('VOIDED');
  });
});

describe('DynamoDbFulfilmentStore.settleConfirmation', () => {
  it('reports confirmed when the confirmation landed', async () => {
    table({ 'ORDER#ord-1/ORDER': 'CONFIRMED' });

    expect(await store.settleConfirmation('ord-1')).toBe('confirmed');
  });

  it('abandons an order with no confirmation, and a late confirmation then does nothing', async () => {
    const items = table({});

    expect(await store.settleConfirmation('ord-1')).toBe('abandoned');
    await store.confirm('ord-1');

    expect(items['ORDER#ord-1/ORDER']).toBe('ABANDONED');
  });
});
