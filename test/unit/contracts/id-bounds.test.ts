import { describe, expect, it } from 'vitest';
import type { z } from 'zod/mini';
import { OrderPlacedContract } from '../../../contracts/events/catalog.js';
import { ID_MAX_BYTES } from '../../../contracts/events/envelope.js';
import {
  OrderCancelledSchema,
  OrderConfirmedSchema,
  OrderPlacedSchema,
  OrderStatusChangedSchema,
} from '../../../contracts/events/index.js';
import { toJsonSchema } from '../../../contracts/events/json-schema.js';
import { orderCancelled, orderConfirmed, orderStatusChanged } from '../../../contracts/samples.js';
import { fulfilmentKeys } from '../../../lambdas/fulfilment/stock-items.js';
import { snapshotKey } from '../../../lambdas/shared/event-store.js';
import { ledgerKeys } from '../../../lambdas/shared/ledger.js';
import { orderPlaced } from '../support/orders.js';

/** DynamoDB's key limits, in UTF-8 bytes. */
const PARTITION_KEY_BYTES = 2048;
const SORT_KEY_BYTES = 1024;
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

// Ids at the bound, in the narrowest and the widest UTF-8 encodings.
const ASCII_AT_BOUND = 'o'.repeat(ID_MAX_BYTES);
const FOUR_BYTE_AT_BOUND = '\u{1F4E6}'.repeat(ID_MAX_BYTES / 4);

function issues(schema: z.ZodMiniType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

function placedWith(data: Record<string, unknown>) {
  const event = orderPlaced();
  return { ...event, detail: { ...event.detail, data: { ...event.detail.data, ...data } } };
}

function placedWithSku(sku: string) {
  return placedWith({ items: [{ sku, quantity: 1, unitPrice: 10 }] });
}

describe('id bounds in the contracts', () => {
  it.each([
    ['ASCII', ASCII_AT_BOUND],
    ['four-byte characters', FOUR_BYTE_AT_BOUND],
  ])('accepts an orderId of exactly ID_MAX_BYTES bytes (%s)', (_, orderId) => {
    expect(issues(OrderPlacedSchema, placedWith({ orderId }))).toEqual([]);
  });

  it('refuses an orderId one byte over, naming the field and the limit', () => {
    expect(issues(OrderPlacedSchema, placedWith({ orderId: `${ASCII_AT_BOUND}o` }))).toEqual([
      'detail.data.orderId: orderId must be at most 200 bytes in UTF-8',
    ]);
  });

  // 67 three-byte characters: under the bound in characters, over it in bytes.
  it('refuses an orderId that is short in characters but over the bound in bytes', () => {
    const orderId = '\u20AC'.repeat(67);
    expect(orderId.length).toBeLessThan(ID_MAX_BYTES);

    expect(issues(OrderPlacedSchema, placedWith({ orderId }))).toEqual([
      'detail.data.orderId: orderId must be at most 200 bytes in UTF-8',
    ]);
  });

  it('refuses a customerId over the bound', () => {
    expect(issues(OrderPlacedSchema, placedWith({ customerId: `${ASCII_AT_BOUND}c` }))).toEqual([
      'detail.data.customerId: customerId must be at most 200 bytes in UTF-8',
    ]);
  });

  it('refuses a SKU over the bound', () => {
    expect(issues(OrderPlacedSchema, placedWithSku(`${ASCII_AT_BOUND}S`))).toEqual([
      'detail.data.items.0.sku: sku must be at most 200 bytes in UTF-8',
    ]);
  });

  it('accepts a SKU at the bound', () => {
    expect(issues(OrderPlacedSchema, placedWithSku(FOUR_BYTE_AT_BOUND))).toEqual([]);
  });

  it.each([
    ['OrderConfirmed', OrderConfirmedSchema, orderConfirmed({ orderId: `${ASCII_AT_BOUND}o` })],
    ['OrderCancelled', OrderCancelledSchema, orderCancelled({ orderId: `${ASCII_AT_BOUND}o` })],
    ['OrderStatusChanged', OrderStatusChangedSchema, orderStatusChanged(`${ASCII_AT_BOUND}o`, 'SHIPPED', 1)],
  ])('bounds the orderId of %s too', (_, schema, event) => {
    expect(issues(schema, event)).toContain(
      'detail.data.orderId: orderId must be at most 200 bytes in UTF-8',
    );
  });

  it('bounds the eventId of the envelope', () => {
    const event = orderPlaced();
    const long = {
      ...event,
      detail: { ...event.detail, metadata: { ...event.detail.metadata, eventId: `${ASCII_AT_BOUND}e` } },
    };

    expect(issues(OrderPlacedSchema, long)).toEqual([
      'detail.metadata.eventId: eventId must be at most 200 bytes in UTF-8',
    ]);
  });

  it('states the bound in the published JSON Schema', () => {
    const schema = JSON.stringify(toJsonSchema(OrderPlacedContract));

    expect(schema).toContain(`"maxLength":${ID_MAX_BYTES}`);
  });
});

describe('every key built from an id at the bound fits DynamoDB', () => {
  const id = FOUR_BYTE_AT_BOUND;
  // The longest idempotency key the envelope accepts, in the widest encoding.
  const longestIdempotencyKey = '\u{1F4E6}'.repeat(250);
  const keys: Array<[string, { pk: string; sk: string }]> = [
    ['stock', fulfilmentKeys.stock(id)],
    ['payment attempts', fulfilmentKeys.order(id, 'PAYMENT_ATTEMPTS')],
    // The event store's keys: the order id, and its snapshots' partition (the sort key is a number).
    ['order events', { pk: id, sk: '1' }],
    ['order snapshots', { pk: snapshotKey(id), sk: '1' }],
    ['email', { pk: ledgerKeys.order(id), sk: ledgerKeys.email(longestIdempotencyKey) }],
    ['loyalty award', { pk: ledgerKeys.order(id), sk: ledgerKeys.loyaltyAward(longestIdempotencyKey) }],
    ['loyalty balance', { pk: ledgerKeys.customer(id), sk: ledgerKeys.loyaltyBalance }],
    ['analytics', { pk: ledgerKeys.order(id), sk: ledgerKeys.analytics('OrderStatusChanged', id) }],
    ['status', { pk: ledgerKeys.order(id), sk: ledgerKeys.status }],
  ];

  it.each(keys)('the %s key', (_, key) => {
    expect(bytes(key.pk)).toBeLessThanOrEqual(PARTITION_KEY_BYTES);
    expect(bytes(key.sk)).toBeLessThanOrEqual(SORT_KEY_BYTES);
  });

  // The saga derives its outcome events' keys from the order id: they must pass the envelope.
  it.each(['placed', 'confirmed', 'cancelled'])(
    'the idempotency key <orderId>:%s passes the envelope',
    (fact) => {
      const event = orderPlaced({ orderId: ASCII_AT_BOUND });
      const keyed = {
        ...event,
        detail: {
          ...event.detail,
          metadata: {
            ...event.detail.metadata,
            correlationId: 'corr-1',
            idempotencyKey: `${ASCII_AT_BOUND}:${fact}`,
          },
        },
      };

      expect(issues(OrderPlacedSchema, keyed)).toEqual([]);
    },
  );
});
