import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EVENT_CATALOG } from '../../contracts/events/catalog.js';
import { schemaFileName, toJsonSchema } from '../../contracts/events/json-schema.js';
import { ROOT } from '../shared/paths.js';
import { asyncApiYaml, eventsMarkdown } from './event-docs.js';

/**
 * What `npm run schemas` generates from the contracts: the JSON Schemas in schemas/, and
 * docs/events.md and docs/asyncapi.yaml. Paths are relative to `root`.
 */
export function generatedFiles(): Map<string, string> {
  return new Map([
    ...EVENT_CATALOG.map((c): [string, string] => [
      path.join('schemas', schemaFileName(c)),
      `${JSON.stringify(toJsonSchema(c), null, 2)}\n`,
    ]),
    [path.join('docs', 'events.md'), eventsMarkdown()],
    [path.join('docs', 'asyncapi.yaml'), asyncApiYaml()],
  ]);
}

/** How the committed files differ from the contracts: files to (re)write, schemas without a contract. */
export interface SchemaDrift {
  readonly files: number;
  readonly stale: ReadonlyArray<readonly [file: string, text: string]>;
  readonly leftOver: readonly string[];
}

export function schemaDrift(root = ROOT): SchemaDrift {
  const wanted = generatedFiles();
  const schemasDir = path.join(root, 'schemas');
  const present = existsSync(schemasDir)
    ? readdirSync(schemasDir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => path.join('schemas', f))
    : [];
  return {
    files: wanted.size,
    stale: [...wanted].filter(
      ([file, text]) =>
        !existsSync(path.join(root, file)) || readFileSync(path.join(root, file), 'utf8') !== text,
    ),
    leftOver: present.filter((f) => !wanted.has(f)),
  };
}

/** What is wrong with the generated files, in one sentence; undefined when they match the contracts. */
export function schemaProblem(drift: SchemaDrift = schemaDrift()): string | undefined {
  if (drift.stale.length + drift.leftOver.length === 0) return undefined;
  const files = [
    ...drift.stale.map(([f]) => `${f} differs or is missing`),
    ...drift.leftOver.map((f) => `${f} has no contract`),
  ];
  return `the generated event docs are out of date (${files.join('; ')}). Run \`npm run schemas\` and commit the result.`;
}

/** Bring the generated files in line with the contracts. */
export function writeSchemas(drift: SchemaDrift = schemaDrift(), root = ROOT): void {
  for (const [file, text] of drift.stale) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  for (const file of drift.leftOver) rmSync(path.join(root, file));
}
