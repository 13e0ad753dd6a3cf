import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG, OrderPlacedContract } from '../../../contracts/events/catalog.js';
import { schemaFileName, toJsonSchema } from '../../../contracts/events/json-schema.js';

const SCHEMAS = path.resolve(import.meta.dirname, '../../../schemas');

/** The committed file's text, as `npm run schemas` writes it. */
const generatedText = (schema: Record<string, unknown>): string => `${JSON.stringify(schema, null, 2)}\n`;

const contracts = EVENT_CATALOG.map((contract) => ({
  name: `${contract.detailType} v${contract.version}`,
  contract,
}));

/** A property of a JSON Schema object, as an object. */
function child(schema: unknown, ...keys: string[]): Record<string, unknown> {
  let node = schema;
  for (const key of keys) node = (node as Record<string, unknown> | undefined)?.[key];
  if (typeof node !== 'object' || node === null) throw new Error(`no ${keys.join('.')} in the schema`);
  return node as Record<string, unknown>;
}

describe('toJsonSchema', () => {
  it('finds contracts in the catalog', () => {
    expect(EVENT_CATALOG.length).toBeGreaterThan(0);
  });

  it.each(contracts)('$name: is draft-04, what the EventBridge schema registry accepts', ({ contract }) => {
    expect(toJsonSchema(contract).$schema).toBe('http://json-schema.org/draft-04/schema#');
  });

  it.each(contracts)('$name: is titled "<DetailType> v<version>"', ({ contract }) => {
    expect(toJsonSchema(contract).title).toBe(`${contract.detailType} v${contract.version}`);
  });

  it.each(contracts)('$name: requires source, detail-type and detail', ({ contract }) => {
    expect(toJsonSchema(contract).required).toEqual(
      expect.arrayContaining(['source', 'detail-type', 'detail']),
    );
  });

  it.each(contracts)('$name: requires metadata and data inside detail', ({ contract }) => {
    expect(child(toJsonSchema(contract), 'properties', 'detail').required).toEqual(['metadata', 'data']);
  });

  it.each(contracts)('$name: pins source and detail-type to the contract’s values', ({ contract }) => {
    const properties = child(toJsonSchema(contract), 'properties');
    expect(child(properties, 'source').enum).toEqual([contract.source]);
    expect(child(properties, 'detail-type').enum).toEqual([contract.detailType]);
  });

  it('says in its description what it describes and that it is generated', () => {
    expect(toJsonSchema(OrderPlacedContract).description).toBe(
      "Event 'OrderPlaced' from 'com.example.orders', eventVersion 1. Generated from contracts/events; do not edit.",
    );
  });

  it('requires every metadata field', () => {
    const metadata = child(
      toJsonSchema(OrderPlacedContract),
      'properties',
      'detail',
      'properties',
      'metadata',
    );
    expect(metadata.required).toEqual([
      'eventId',
      'eventVersion',
      'correlationId',
      'causationId',
      'occurredAt',
      'idempotencyKey',
    ]);
  });

  it('leaves an optional data field out of required', () => {
    const data = child(toJsonSchema(OrderPlacedContract), 'properties', 'detail', 'properties', 'data');
    expect(child(data, 'properties')).toHaveProperty('couponCode');
    expect(data.required).not.toContain('couponCode');
  });

  it('writes draft-04 exclusive bounds as booleans', () => {
    const quantity = child(
      toJsonSchema(OrderPlacedContract),
      'properties',
      'detail',
      'properties',
      'data',
      'properties',
      'items',
      'items',
      'properties',
      'quantity',
    );
    expect(quantity).toMatchObject({ minimum: 0, exclusiveMinimum: true });
  });

  it('is deterministic: the same contract gives the same text', () => {
    expect(generatedText(toJsonSchema(OrderPlacedContract))).toBe(
      generatedText(toJsonSchema(OrderPlacedContract)),
    );
  });

  it('names the file "<DetailType>.v<version>.json"', () => {
    expect(schemaFileName(OrderPlacedContract)).toBe('OrderPlaced.v1.json');
  });
});

describe('committed schemas/ (the staleness gate)', () => {
  it.each(contracts)('$name: the committed file is what toJsonSchema generates', ({ contract }) => {
    const file = path.join(SCHEMAS, schemaFileName(contract));
    const stale = `schemas/${schemaFileName(contract)} is missing or stale: run \`npm run schemas\` and commit the result`;
    expect(existsSync(file), stale).toBe(true);
    expect(readFileSync(file, 'utf8'), stale).toBe(generatedText(toJsonSchema(contract)));
  });

  it('holds no schema without a contract in EVENT_CATALOG', () => {
    const wanted = new Set(EVENT_CATALOG.map(schemaFileName));
    const leftOver = readdirSync(SCHEMAS).filter((file) => file.endsWith('.json') && !wanted.has(file));
    expect(
      leftOver,
      'schemas/ has files no contract generates: run `npm run schemas` and commit the result',
    ).toEqual([]);
  });
});
