import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG } from '../../../../contracts/events/catalog.js';
import { schemaDrift, schemaProblem, writeSchemas } from '../../../../scripts/schemas/schemas.js';

describe('the schemas tool', () => {
  it('writes one schema per contract and the two event docs, after which nothing drifts', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'schemas-'));
    writeSchemas(schemaDrift(root), root);
    expect(readdirSync(path.join(root, 'schemas'))).toHaveLength(EVENT_CATALOG.length);
    expect(readdirSync(path.join(root, 'docs')).sort()).toEqual(['asyncapi.yaml', 'events.md']);
    expect(schemaProblem(schemaDrift(root))).toBeUndefined();
  });

  it('names an edited file and a schema without a contract', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'schemas-'));
    writeSchemas(schemaDrift(root), root);
    writeFileSync(path.join(root, 'docs', 'events.md'), '# edited\n');
    writeFileSync(path.join(root, 'schemas', 'Gone.v1.json'), '{}\n');
    expect(schemaProblem(schemaDrift(root))).toMatch(
      /docs\/events\.md differs or is missing; schemas\/Gone\.v1\.json has no contract.*npm run schemas/,
    );
  });
});
