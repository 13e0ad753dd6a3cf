import {
  type AttributeValue,
  PutItemCommand,
  type TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DOMAIN_EVENT_CATALOG } from '../../contracts/domain/catalog.js';
import type { OrderLogEvent } from '../../contracts/domain/order-log.js';
import { orderCancelled, orderConfirmed, orderStatusChanged } from '../../contracts/samples.js';
import { recordAudit } from '../../lambdas/order-audit/audit.js';
import { DynamoDbAuditTrail } from '../../lambdas/order-audit/dynamodb-audit-trail.js';
import { DynamoDbSalesWindows } from '../../lambdas/sales-per-minute/dynamodb-sales-windows.js';
import { countSale } from '../../lambdas/sales-per-minute/sales.js';
import { DEFAULT_ASSUMPTIONS } from '../../scripts/cost/assumptions.js';
import { BILLING } from '../../scripts/cost/prices.js';

/** What the order log's consumers send DynamoDB, instead of sending it. */
const sent = vi.hoisted(() => [] as unknown[]);
vi.mock('../../lambdas/shared/clients.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../lambdas/shared/clients.js')>()),
  dynamoClient: () => ({
    send: async (command: unknown) => {
      sent.push(command);
      return {};
    },
  }),
}));

beforeEach(() => {
  sent.length = 0;
});

/**
 * An item's size as DynamoDB bills and stores it (without its 100 bytes of overhead): each
 * attribute's name, and its value: a string's UTF-8 bytes, a number's about one byte per two
 * significant digits plus one.
 */
function itemBytes(item: Record<string, unknown>): number {
  const value = (v: unknown): number => {
    if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
    if (typeof v === 'number') return Math.ceil(String(Math.abs(v)).replace(/[.-]|^0+/g, '').length / 2) + 1;
    if (typeof v === 'boolean' || v === null) return 1;
    throw new Error(`no size for ${JSON.stringify(v)}`);
  };
  return Object.entries(item).reduce((total, [k, v]) => total + Buffer.byteLength(k, 'utf8') + value(v), 0);
}

/** An item as its consumer built it, from the attribute values it sent. */
const native = (item: Record<string, AttributeValue> | undefined) => (item ? unmarshall(item) : {});

/** Write units of a standard write, and of a transaction's item (twice as many). */
const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / BILLING.dynamoWriteUnitBytes));

/** Every event the log carries: the outcomes, and a status change per status of the catalog. */
function logEvents(): OrderLogEvent[] {
  const confirmed = orderConfirmed();
  const statuses = DOMAIN_EVENT_CATALOG.flatMap((e) => (e.status ? [e.status] : []));
  return [
    confirmed,
    orderCancelled(),
    ...statuses.map((status, i) => orderStatusChanged(confirmed.detail.data.orderId, status, i + 1)),
  ];
}

const position = { partition: 5, offset: 1_234_567 };

describe("the cost model's order log assumptions are what its consumers write", () => {
  it('OrderAudit: one PutItem of one write unit per record, about the bytes keptBytes says', async () => {
    const trail = new DynamoDbAuditTrail('log');
    const sizes: number[] = [];
    for (const event of logEvents()) {
      sent.length = 0;
      await recordAudit(event, position, trail);
      expect(sent).toHaveLength(1);
      const put = sent[0] as PutItemCommand;
      expect(put).toBeInstanceOf(PutItemCommand);
      sizes.push(itemBytes(native(put.input.Item)));
    }
    const work = DEFAULT_ASSUMPTIONS.tableWork.OrderAudit;
    expect(work?.onlyFor).toBeUndefined();
    for (const size of sizes) expect(work?.writes).toBe(writeUnits(size));
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(Math.abs((work?.keptBytes ?? 0) - mean) / mean).toBeLessThan(0.1);
  });

  it('SalesPerMinute: for an OrderConfirmed only, one transaction of 2 items (2 units each); its marker is kept', async () => {
    const windows = new DynamoDbSalesWindows('log');
    for (const event of logEvents()) {
      sent.length = 0;
      await countSale(event, windows);
      expect(sent.length, event['detail-type']).toBe(event['detail-type'] === 'OrderConfirmed' ? 1 : 0);
    }
    sent.length = 0;
    await countSale(orderConfirmed(), windows);
    const items = (sent[0] as TransactWriteItemsCommand).input.TransactItems ?? [];
    expect(items).toHaveLength(2);
    const marker = native(items[0]?.Put?.Item);
    const total = {
      ...native(items[1]?.Update?.Key),
      orders: 1_000,
      total: 12_345_678,
    };
    const work = DEFAULT_ASSUMPTIONS.tableWork.SalesPerMinute;
    expect(work?.onlyFor).toEqual(['OrderConfirmed']);
    expect(work?.writes).toBe(2 * writeUnits(itemBytes(marker)) + 2 * writeUnits(itemBytes(total)));
    // The marker is an item per order; a minute's total is one per minute and currency, whatever the rate.
    expect(Math.abs((work?.keptBytes ?? 0) - itemBytes(marker)) / itemBytes(marker)).toBeLessThan(0.1);
  });
});
