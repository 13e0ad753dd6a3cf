import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
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
