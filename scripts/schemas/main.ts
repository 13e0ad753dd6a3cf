import { fail, progress, runMain } from '../shared/progress.js';
import { schemaDrift, schemaProblem, writeSchemas } from './schemas.js';

const USAGE = `Usage: npm run schemas [-- --check]

Writes what the event contracts generate: schemas/<DetailType>.v<version>.json (the JSON
Schema of every event in contracts/events/catalog.ts), docs/events.md (every event with its
kind, from both catalogs) and docs/asyncapi.yaml (AsyncAPI 3: channels and message schemas).
With --check, writes nothing and exits 1 if a generated file is stale, missing or left over.`;

runMain(async () => {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const unknown = args.find((a) => a !== '--check');
  if (unknown) fail(`unknown option '${unknown}'.\n${USAGE}`, 2);

  const drift = schemaDrift();
  if (args.includes('--check')) {
    const problem = schemaProblem(drift);
    if (problem) fail(problem);
    progress.ok(`the ${drift.files} generated files match the event contracts`);
    return;
  }
  writeSchemas(drift);
  progress.ok(
    `${drift.stale.length} written, ${drift.leftOver.length} removed, ${drift.files - drift.stale.length} unchanged`,
  );
});
