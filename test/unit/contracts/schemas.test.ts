import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod/mini';
import * as events from '../../../contracts/events/index.js';
import {
  ORDER_CANCELLED_DETAIL_TYPE,
  ORDER_CONFIRMED_DETAIL_TYPE,
  OrderCancelledSchema,
  OrderConfirmedSchema,
  OrderOutcomeSchema,
  OrderStatusChangedSchema,
} from '../../../contracts/events/index.js';
import { orderCancelled, orderConfirmed, orderStatusChanged } from '../../../contracts/samples.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/events');

interface EventType {
  readonly detailType: string;
  readonly version: string;
  readonly schema: z.ZodMiniType;
}

/**
 * Every event type the events module exports, found through its constants: `<NAME>_DETAIL_TYPE`
 * names the event, `<NAME>_VERSION` its current version and `<DetailType>Schema` its schema. A
 * new event file is picked up without touching this test.
 */
function exportedEventTypes(): Map<string, EventType> {
  const exports = events as Record<string, unknown>;
  const types = new Map<string, EventType>();
  for (const [name, value] of Object.entries(exports)) {
    if (!name.endsWith('_DETAIL_TYPE') || typeof value !== 'string') continue;
    const version = exports[name.replace(/_DETAIL_TYPE$/, '_VERSION')];
    const schema = exports[`${value}Schema`];
    if (typeof version !== 'string') throw new Error(`${name} has no matching _VERSION constant`);
    if (!isZodType(schema)) throw new Error(`${name} = '${value}' has no exported ${value}Schema`);
    types.set(value, { detailType: value, version, schema });
  }
  return types;
}

function isZodType(value: unknown): value is z.ZodMiniType {
  return typeof value === 'object' && value !== null && 'safeParse' in value;
}

const eventTypes = exportedEventTypes();
const fixtureFiles = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
  .map((entry) => entry.name)
  .sort();

const readFixture = (file: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));

/** `OrderConfirmed.v1.json` → `{ detailType: 'OrderConfirmed', version: '1' }`. */
function fixtureName(file: string): { detailType: string; version: string } {
  const match = /^(?<detailType>[A-Za-z]+)\.v(?<version>\d+)\.json$/.exec(file);
  if (!match?.groups?.detailType || !match.groups.version) {
    throw new Error(`${file}: fixture names must look like <DetailType>.v<version>.json`);
  }
  return { detailType: match.groups.detailType, version: match.groups.version };
}

function issuesOf(result: { success: boolean; error?: z.core.$ZodError }): string {
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

describe('event fixtures (the evolution gate)', () => {
  it('finds the exported event types and at least one fixture', () => {
    expect(eventTypes.size).toBeGreaterThan(0);
    expect(fixtureFiles.length).toBeGreaterThan(0);
  });

  it('has a fixture for every exported event type', () => {
    const covered = new Set(fixtureFiles.map((file) => fixtureName(file).detailType));
    const missing = [...eventTypes.keys()].filter((detailType) => !covered.has(detailType));
    expect(missing).toEqual([]);
  });

  describe.each(fixtureFiles)('%s', (file) => {
    const { detailType, version } = fixtureName(file);

    it('names an event type the events module exports', () => {
      expect([...eventTypes.keys()]).toContain(detailType);
    });

    it('names a version that exists: not newer than the current schema', () => {
      const current = eventTypes.get(detailType);
      expect(current, `unknown detail-type ${detailType}`).toBeDefined();
      expect(Number(version)).toBeLessThanOrEqual(Number(current?.version));
    });

    it('carries the detail-type and eventVersion its file name says', () => {
      expect(readFixture(file)).toMatchObject({
        'detail-type': detailType,
        detail: { metadata: { eventVersion: version } },
      });
    });

    it('validates against the schema of its detail-type', () => {
      const current = eventTypes.get(detailType);
      if (!current) throw new Error(`${file}: unknown detail-type ${detailType}`);
      const result = current.schema.safeParse(readFixture(file));
      expect(result.success, issuesOf(result)).toBe(true);
    });

    it('keeps the EventBridge envelope fields through parsing', () => {
      const current = eventTypes.get(detailType);
      if (!current) throw new Error(`${file}: unknown detail-type ${detailType}`);
      const parsed = current.schema.parse(readFixture(file));
      expect(parsed).toMatchObject({
        version: '0',
        account: expect.any(String),
        region: expect.any(String),
        resources: expect.any(Array),
      });
    });
  });
});

/** The event with some `data` fields replaced (possibly by values its type does not allow). */
function withData<T extends { detail: { data: object } }>(event: T, data: Record<string, unknown>): unknown {
  return { ...event, detail: { ...event.detail, data: { ...event.detail.data, ...data } } };
}

/** The event with some `metadata` fields replaced. */
function withMetadata<T extends { detail: { metadata: object } }>(
  event: T,
  metadata: Record<string, unknown>,
): unknown {
  return { ...event, detail: { ...event.detail, metadata: { ...event.detail.metadata, ...metadata } } };
}

/** The paths of the issues a schema reports for a value it must reject. */
function rejectedPaths(schema: z.ZodMiniType, value: unknown): string[] {
  const result = schema.safeParse(value);
  expect(result.success, 'the schema accepted the value').toBe(false);
  return (result.error?.issues ?? []).map((issue) => issue.path.join('.'));
}

describe('event schemas accept', () => {
  it('the builders’ events', () => {
    expect(OrderConfirmedSchema.safeParse(orderConfirmed()).success).toBe(true);
    expect(OrderCancelledSchema.safeParse(orderCancelled()).success).toBe(true);
    expect(OrderStatusChangedSchema.safeParse(orderStatusChanged('ord-1', 'SHIPPED', 4)).success).toBe(true);
  });

  it.each([0, 19.9, 19.99, 1249.99, 0.07])('the amount %j (at most two decimals)', (total) => {
    expect(OrderConfirmedSchema.safeParse(withData(orderConfirmed(), { total })).success).toBe(true);
  });
});

// Float arithmetic misjudges decimals of large amounts; the schema must judge the decimal text.
describe('AmountSchema at the edges of float precision', () => {
  it('accepts the two-decimal amount 1234567890.12', () => {
    expect(OrderConfirmedSchema.safeParse(withData(orderConfirmed(), { total: 1234567890.12 })).success).toBe(
      true,
    );
  });

  it('rejects the amount 12.340000001, which has nine decimals', () => {
    expect(rejectedPaths(OrderConfirmedSchema, withData(orderConfirmed(), { total: 12.340000001 }))).toEqual([
      'detail.data.total',
    ]);
  });
});

describe('event schemas reject', () => {
  it.each([19.999, 0.001, 1249.995])('the amount %j with three decimals', (total) => {
    expect(rejectedPaths(OrderConfirmedSchema, withData(orderConfirmed(), { total }))).toEqual([
      'detail.data.total',
    ]);
  });

  it('a negative total', () => {
    expect(rejectedPaths(OrderCancelledSchema, withData(orderCancelled(), { total: -5 }))).toEqual([
      'detail.data.total',
    ]);
  });

  it('a total that is a string', () => {
    expect(rejectedPaths(OrderConfirmedSchema, withData(orderConfirmed(), { total: '120.00' }))).toEqual([
      'detail.data.total',
    ]);
  });

  it.each(['eur', 'EURO', '€', 'E1R'])('the non-ISO currency %j', (currency) => {
    expect(rejectedPaths(OrderConfirmedSchema, withData(orderConfirmed(), { currency }))).toEqual([
      'detail.data.currency',
    ]);
  });

  it.each(['ada.example.com', 'ada@', '@example.com', 'ada lovelace@example.com'])(
    'the bad email %j',
    (customerEmail) => {
      expect(rejectedPaths(OrderConfirmedSchema, withData(orderConfirmed(), { customerEmail }))).toEqual([
        'detail.data.customerEmail',
      ]);
    },
  );

  it.each(['v1', '1.0', 'one', '', 1])('the non-numeric eventVersion %j', (eventVersion) => {
    expect(rejectedPaths(OrderConfirmedSchema, withMetadata(orderConfirmed(), { eventVersion }))).toEqual([
      'detail.metadata.eventVersion',
    ]);
  });

  it.each(['2026-08-14 09:21:46', '14/08/2026', 'yesterday', '2026-08-14', '2026-08-14T09:21:46'])(
    'the non-ISO occurredAt %j',
    (occurredAt) => {
      expect(rejectedPaths(OrderConfirmedSchema, withMetadata(orderConfirmed(), { occurredAt }))).toEqual([
        'detail.metadata.occurredAt',
      ]);
    },
  );

  it('a missing idempotencyKey', () => {
    expect(
      rejectedPaths(OrderConfirmedSchema, withMetadata(orderConfirmed(), { idempotencyKey: undefined })),
    ).toEqual(['detail.metadata.idempotencyKey']);
  });

  it('an event from another source', () => {
    expect(
      rejectedPaths(OrderConfirmedSchema, { ...orderConfirmed(), source: 'com.example.payments' }),
    ).toEqual(['source']);
  });

  it.each([0, -1, 1.5])('the status sequence %j (not a positive whole number)', (sequence) => {
    expect(
      rejectedPaths(
        OrderStatusChangedSchema,
        withData(orderStatusChanged('ord-1', 'SHIPPED', 4), { sequence }),
      ),
    ).toEqual(['detail.data.sequence']);
  });
});

describe('OrderOutcomeSchema', () => {
  it('parses an OrderConfirmed as the confirmed variant, keeping its itemCount', () => {
    const parsed = OrderOutcomeSchema.parse(orderConfirmed({ itemCount: 7 }));
    expect(parsed['detail-type']).toBe(ORDER_CONFIRMED_DETAIL_TYPE);
    expect(parsed.detail.data).toMatchObject({ itemCount: 7 });
  });

  it('parses an OrderCancelled as the cancelled variant, keeping its reason', () => {
    const parsed = OrderOutcomeSchema.parse(orderCancelled({ reason: 'OUT_OF_STOCK' }));
    expect(parsed['detail-type']).toBe(ORDER_CANCELLED_DETAIL_TYPE);
    expect(parsed.detail.data).toMatchObject({ reason: 'OUT_OF_STOCK' });
  });

  it('validates the data against the variant its detail-type names', () => {
    // Confirmed data (it has no reason) labelled as a cancellation is checked as a cancellation.
    const mislabelled = { ...orderConfirmed(), 'detail-type': ORDER_CANCELLED_DETAIL_TYPE };
    expect(rejectedPaths(OrderOutcomeSchema, mislabelled)).toEqual(['detail.data.reason']);
  });

  it('rejects a detail-type that is not an order outcome, naming the discriminator', () => {
    expect(rejectedPaths(OrderOutcomeSchema, orderStatusChanged('ord-1', 'SHIPPED', 4))).toEqual([
      'detail-type',
    ]);
  });
});
