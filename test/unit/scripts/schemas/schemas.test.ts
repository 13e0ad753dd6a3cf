import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG } from '../../../../contracts/events/catalog.js';
import { schemaDrift, schemaProblem, writeSchemas } from '../../../../scripts/schemas/schemas.js';

describe('the schemas tool', () => {
  it('writes one file per contract, after which nothing drifts', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'schemas-'));
    writeSchemas(schemaDrift(dir), dir);
    expect(readdirSync(dir)).toHaveLength(EVENT_CATALOG.length);
    expect(schemaProblem(schemaDrift(dir))).toBeUndefined();
  });

  it('names an edited file and a file without a contract', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'schemas-'));
    writeSchemas(schemaDrift(dir), dir);
    const [first] = readdirSync(dir);
    writeFileSync(path.join(dir, first ?? ''), '{}\n');
    writeFileSync(path.join(dir, 'Gone.v1.json'), '{}\n');
    expect(schemaProblem(schemaDrift(dir))).toMatch(
      new RegExp(`${first} differs or is missing; Gone.v1.json has no contract.*npm run schemas`),
    );
  });
});
