import { parseArgs } from 'node:util';

export const BENCH_USAGE = `Usage: npm run bench -- [options]

Measures bundle size and cold init per Lambda, cdk synth and emulator deploy time, and
end-to-end latency and throughput on the emulator; writes docs/benchmarks/latest.md and
docs/benchmarks/latest.json and prints a summary. Starts the emulator when none answers
(AWS_ENDPOINT_URL is honoured) and stops what it started. Takes 3-7 minutes on 2 cores.

  --runs <n>        synths and deploys to time, 1-20 (default 3; deploys: the first, then
                    n-1 no-change re-deploys)
  --init-runs <n>   cold starts per bundle, 1-100 (default 10)
  --messages <n>    messages per phase and flow, 5-5000 (default 100; the saga gets half)
  --quick           a smoke run: --runs 1 --init-runs 3 --messages 20 (explicit options win)
  --help            this text`;

export interface BenchOptions {
  readonly runs: number;
  readonly initRuns: number;
  readonly messages: number;
  readonly quick: boolean;
}

export type ParsedBenchArgs = { help: true } | { help: false; options: BenchOptions };

function whole(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max}, got '${raw}'.`);
  }
  return value;
}

/** The bench's options from its arguments; throws with a message for anything it cannot use. */
export function parseBenchArgs(args: readonly string[]): ParsedBenchArgs {
  const { values } = parseArgs({
    args: [...args],
    options: {
      runs: { type: 'string' },
      'init-runs': { type: 'string' },
      messages: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { help: true };
  const quick = values.quick ?? false;
  return {
    help: false,
    options: {
      quick,
      runs: whole('runs', values.runs, quick ? 1 : 3, 1, 20),
      initRuns: whole('init-runs', values['init-runs'], quick ? 3 : 10, 1, 100),
      messages: whole('messages', values.messages, quick ? 20 : 100, 5, 5000),
    },
  };
}
