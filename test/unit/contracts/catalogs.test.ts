import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { DOMAIN_EVENT_CATALOG } from '../../../contracts/domain/catalog.js';
import { ORDER_DOMAIN_EVENT_TYPES } from '../../../contracts/domain/order-events.js';
import { EVENT_CATALOG } from '../../../contracts/events/catalog.js';
import { asyncApiYaml } from '../../../scripts/schemas/event-docs.js';

describe('the event catalogs', () => {
  it('label every domain event of the Order aggregate once', () => {
    expect(DOMAIN_EVENT_CATALOG.map((e) => e.type).sort()).toEqual([...ORDER_DOMAIN_EVENT_TYPES].sort());
  });

  it('name only integration events that exist in the outbox, and only domain events as compensated', () => {
    const integration = new Set(EVENT_CATALOG.map((c) => c.detailType));
    for (const e of DOMAIN_EVENT_CATALOG) {
      for (const o of e.outbox) expect(integration, `${e.type} → ${o}`).toContain(o);
      if (e.compensates) expect(ORDER_DOMAIN_EVENT_TYPES).toContain(e.compensates);
    }
  });

  it('put every integration event on at least one channel', () => {
    for (const c of EVENT_CATALOG) expect(c.labels.channels.length, c.detailType).toBeGreaterThan(0);
  });
});

describe('docs/asyncapi.yaml', () => {
  it("is a valid AsyncAPI 3 document by the AsyncAPI project's own parser, with every event as a message", async () => {
    const { document, diagnostics } = await new Parser().parse(asyncApiYaml());
    // Severity 0 is an error, 1 a warning.
    expect(
      diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`),
    ).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(
      document
        ?.messages()
        .all()
        .map((m) => m.id())
        .sort(),
    ).toEqual(EVENT_CATALOG.map((c) => c.detailType).sort());
    expect(
      document
        ?.channels()
        .all()
        .map((c) => c.id())
        .sort(),
    ).toEqual(['ordersBus', 'outcomesTopic', 'statusStream']);
  });

  it('fails that parser when a message loses its payload schema (the check can fail)', async () => {
    const broken = asyncApiYaml().replace(
      'schemaFormat: application/schema+json;version=draft-07',
      'schemaFormat: 42',
    );
    const { diagnostics } = await new Parser().parse(broken);
    expect(diagnostics.some((d) => d.severity === 0)).toBe(true);
  });
});
