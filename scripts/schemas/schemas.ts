import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EVENT_CATALOG } from '../../contracts/events/catalog.js';
import { schemaFileName, toJsonSchema } from '../../contracts/events/json-schema.js';
import { ROOT } from '../shared/paths.js';

export const SCHEMAS_DIR = path.join(ROOT, 'schemas');

/** How schemas/ differs from the contracts: files to (re)write and files without a contract. */
export interface SchemaDrift {
  readonly contracts: number;
  readonly stale: ReadonlyArray<readonly [file: string, text: string]>;
  readonly leftOver: readonly string[];
}

export function schemaDrift(dir = SCHEMAS_DIR): SchemaDrift {
  const wanted = new Map(
    EVENT_CATALOG.map((c) => [schemaFileName(c), `${JSON.stringify(toJsonSchema(c), null, 2)}\n`]),
  );
  const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  return {
    contracts: wanted.size,
    stale: [...wanted].filter(
      ([file, text]) =>
        !existsSync(path.join(dir, file)) || readFileSync(path.join(dir, file), 'utf8') !== text,
    ),
    leftOver: present.filter((f) => !wanted.has(f)),
  };
}

/** What is wrong with schemas/, in one sentence; undefined when it matches the contracts. */
export function schemaProblem(drift: SchemaDrift = schemaDrift()): string | undefined {
  if (drift.stale.length + drift.leftOver.length === 0) return undefined;
  const files = [
    ...drift.stale.map(([f]) => `${f} differs or is missing`),
    ...drift.leftOver.map((f) => `${f} has no contract`),
  ];
  return `schemas/ is out of date (${files.join('; ')}). Run \`npm run schemas\` and commit the result.`;
}

/** Bring schemas/ in line with the contracts. */
export function writeSchemas(drift: SchemaDrift = schemaDrift(), dir = SCHEMAS_DIR): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of drift.stale) writeFileSync(path.join(dir, file), text);
  for (const file of drift.leftOver) rmSync(path.join(dir, file));
}
