import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EVENT_CATALOG } from '../../contracts/events/catalog.js';
import { schemaFileName, toJsonSchema } from '../../contracts/events/json-schema.js';
import { ROOT } from '../shared/paths.js';
import { fail, progress, runMain } from '../shared/progress.js';

const USAGE = `Usage: npm run schemas [-- --check]

Writes schemas/<DetailType>.v<version>.json, the JSON Schema of every event in
contracts/events/catalog.ts. With --check, writes nothing and exits 1 if a committed file
is stale, missing or left over.`;

const DIR = path.join(ROOT, 'schemas');

runMain(async () => {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const unknown = args.find((a) => a !== '--check');
  if (unknown) fail(`unknown option '${unknown}'.\n${USAGE}`, 2);
  const check = args.includes('--check');

  const wanted = new Map(
    EVENT_CATALOG.map((c) => [schemaFileName(c), `${JSON.stringify(toJsonSchema(c), null, 2)}\n`]),
  );
  const present = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.json')) : [];
  const stale = [...wanted].filter(
    ([file, text]) =>
      !existsSync(path.join(DIR, file)) || readFileSync(path.join(DIR, file), 'utf8') !== text,
  );
  const leftOver = present.filter((f) => !wanted.has(f));

  if (check) {
    if (stale.length + leftOver.length === 0) {
      progress.ok(`schemas/ matches the ${wanted.size} event contracts`);
      return;
    }
    fail(
      `schemas/ is out of date (${[...stale.map(([f]) => `${f} differs or is missing`), ...leftOver.map((f) => `${f} has no contract`)].join('; ')}). ` +
        'Run `npm run schemas` and commit the result.',
    );
  }
  mkdirSync(DIR, { recursive: true });
  for (const [file, text] of stale) writeFileSync(path.join(DIR, file), text);
  for (const file of leftOver) rmSync(path.join(DIR, file));
  progress.ok(
    `schemas/: ${stale.length} written, ${leftOver.length} removed, ${wanted.size - stale.length} unchanged`,
  );
});
