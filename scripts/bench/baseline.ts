import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../shared/paths.js';

/**
 * The bundle figures of an earlier bench run that the report sets beside the current ones: the
 * last run before the handlers dropped Powertools Tracer and the X-Ray SDK (docs/tracing.md).
 * A subset of that run's latest.json, kept as it was measured.
 */
export interface Baseline {
  /** What the earlier bundles had, e.g. `with Powertools Tracer and the X-Ray SDK`. */
  readonly label: string;
  readonly commit: string;
  readonly date: string;
  /** How and when its cold init was measured, when not in the run itself. */
  readonly coldInitNote?: string;
  readonly bundles: readonly {
    readonly functions: readonly string[];
    readonly bytes: number;
    readonly coldInitMs: { readonly median: number };
  }[];
}

export const BASELINE_FILE = path.join(ROOT, 'docs', 'benchmarks', 'baseline-xray-sdk.json');

/** The committed baseline, or undefined when there is none. */
export function readBaseline(file = BASELINE_FILE): Baseline | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as Baseline;
}

/** The baseline's figures for a bundle, found by any of its functions (bundles are regrouped as code changes). */
export function baselineOf(
  baseline: Baseline | undefined,
  functions: readonly string[],
): { bytes: number; coldInitMedianMs: number } | undefined {
  const earlier = baseline?.bundles.find((b) => b.functions.some((f) => functions.includes(f)));
  return earlier && { bytes: earlier.bytes, coldInitMedianMs: earlier.coldInitMs.median };
}
