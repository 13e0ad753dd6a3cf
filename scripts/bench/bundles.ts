import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readTemplates } from '../shared/cdk-out.js';
import { CDK_OUT } from '../shared/paths.js';

/** The parts of an esbuild metafile this reads. */
export interface Metafile {
  readonly outputs: Record<
    string,
    {
      readonly bytes: number;
      readonly entryPoint?: string;
      readonly inputs: Record<string, { readonly bytesInOutput: number }>;
    }
  >;
}

export interface Contributor {
  readonly name: string;
  readonly bytes: number;
}

/** A function that runs a bundle, as the synthesized template names it. */
export interface BundledFunction {
  readonly stack: string;
  readonly logicalId: string;
  /** The construct path, e.g. `OrderNotifications/EmailNotifier/Function/Default/Resource`. */
  readonly path: string;
  /** The exported name Lambda calls (the part of `Handler` after `index.`). */
  readonly handler: string;
  readonly environment: Record<string, string>;
}

export interface Bundle {
  readonly assetHash: string;
  /** The bundle file, index.mjs in the asset directory. */
  readonly file: string;
  readonly bytes: number;
  /** Bytes in the bundle per npm package, largest first; own sources are `(project)`. */
  readonly contributors: readonly Contributor[];
  readonly functions: readonly BundledFunction[];
}

/** The npm package an esbuild input path belongs to, or `(project)` for the app's own files. */
export function packageOf(inputPath: string): string {
  const marker = 'node_modules/';
  const at = inputPath.lastIndexOf(marker);
  if (at < 0) return '(project)';
  const [first = '', second = ''] = inputPath.slice(at + marker.length).split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
}

/** Bytes each package contributes to the entry point's output (after minification). */
export function contributorsByPackage(meta: Metafile): Contributor[] {
  const output = Object.values(meta.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error('the metafile has no output with an entry point');
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

/** A template value as a string: tokens (Ref, GetAtt, ...) become a named placeholder. */
function literal(name: string, value: unknown): string {
  return typeof value === 'string' ? value : `bench-placeholder-${name.toLowerCase()}`;
}

/**
 * The Lambda bundles of the synthesized app in cdk.out (run a synth first), each with the
 * functions that run it: a function's Code.S3Key is `<assetHash>.zip`, its asset directory
 * `asset.<assetHash>`. Functions sharing a bundle share an entry.
 */
export function findBundles(cdkOut = CDK_OUT): Bundle[] {
  const byHash = new Map<string, BundledFunction[]>();
  for (const { stackName, resources } of readTemplates(cdkOut)) {
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const key = (resource.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
      if (typeof key !== 'string' || !key.endsWith('.zip')) continue; // inline or CDK-internal code
      const variables =
        (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
          ?.Variables ?? {};
      const hash = key.slice(0, -'.zip'.length);
      const list = byHash.get(hash) ?? [];
      list.push({
        stack: stackName,
        logicalId,
        path: String(resource.Metadata?.['aws:cdk:path'] ?? logicalId),
        handler: String(resource.Properties?.Handler ?? 'index.handler').replace(/^index\./, ''),
        environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, literal(k, v)])),
      });
      byHash.set(hash, list);
    }
  }
  const bundles: Bundle[] = [];
  for (const [assetHash, functions] of byHash) {
    const dir = path.join(cdkOut, `asset.${assetHash}`);
    const file = path.join(dir, 'index.mjs');
    const metaFile = path.join(dir, 'index.meta.json');
    if (!existsSync(file)) continue; // not a NodejsFunction bundle (e.g. a CDK provider)
    if (!existsSync(metaFile)) {
      throw new Error(
        `${path.relative(cdkOut, metaFile)} is missing: bundle with metafile: true (lib/shared/node-function.ts).`,
      );
    }
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Metafile;
    bundles.push({
      assetHash,
      file,
      bytes: statSync(file).size,
      contributors: contributorsByPackage(meta),
      functions,
    });
  }
  return bundles.sort((a, b) => b.bytes - a.bytes);
}

// Runs in the fresh process: the time from starting the import to the exported handler.
const INIT_PROBE = `
const [file, name] = process.argv.slice(1);
const started = performance.now();
const mod = await import(file);
if (typeof mod[name] !== 'function') { console.error('the bundle exports no function ' + name); process.exit(3); }
process.stdout.write(String(performance.now() - started));
process.exit(0);
`;

/**
 * Milliseconds a fresh Node process takes to import `file` until the function's handler is a
 * function, with the function's environment (and a region, as Lambda sets one); Node's own
 * start-up is not counted.
 */
export function coldInit(file: string, fn: BundledFunction): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', INIT_PROBE, pathToFileURL(file).href, fn.handler],
      {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'bench',
          AWS_SECRET_ACCESS_KEY: 'bench',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
          ...fn.environment,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(out);
      if (code === 0 && Number.isFinite(ms)) resolve(ms);
      else reject(new Error(`cold init of ${file} failed (exit ${code}): ${err.trim().slice(-500)}`));
    });
  });
}

/** Idle time before the cold-init runs, so that they do not time the tail of the synth before them. */
export const COLD_INIT_SETTLE_MS = 10_000;

/**
 * Cold-init times of each bundle (its first function's environment), `runs` of each, taken in
 * rounds that import every bundle once: a drift in the machine's speed falls on all of them
 * alike instead of on whichever bundle was measured at the time. Waits `settleMs` first.
 */
export async function coldInitRounds(
  bundles: readonly Bundle[],
  runs: number,
  { settleMs = COLD_INIT_SETTLE_MS, onRound }: { settleMs?: number; onRound?: (round: number) => void } = {},
): Promise<number[][]> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const times = bundles.map((): number[] => []);
  for (let round = 1; round <= runs; round++) {
    onRound?.(round);
    for (const [i, bundle] of bundles.entries()) {
      const fn = bundle.functions[0];
      if (fn) times[i]?.push(await coldInit(bundle.file, fn));
    }
  }
  return times;
}
