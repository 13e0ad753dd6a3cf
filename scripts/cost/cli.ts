import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run cost -- --orders-per-month <N> [options]

Prices the app as synthesized (SNS publishes and deliveries, SQS requests, EventBridge events,
Lambda invocations x duration x memory, Step Functions transitions or Express duration,
DynamoDB request units, the event store's appends and storage and the outbox relay on its
stream, the Kafka log on MSK Serverless with its consumer groups, event pollers and VPC
endpoints, logs, alarms, keys, traces) for N orders a month at us-east-1 list prices, then compares a Standard
vs an Express saga, SNS vs EventBridge fan-out, arm64 vs x86_64, the low-latency vs
high-throughput consumer profile, and the Kafka mappings' event poller units alone or shared. Behaviour a template cannot
tell (outcomes, filter match rates, durations, items written) are named assumptions, printed
with their reasons. Free tiers are ignored.

  --orders-per-month <N>  orders a month, a positive number (1000000, 1e6 or 1_000_000)
  --scaling               instead: what each quota must carry at 1x, 10x, 100x and 1,000x N
                          (MSK Serverless's too), and each function's concurrency by
                          Little's law (docs/scaling.md)
  --write-docs            with --scaling: write the tables into docs/scaling.md
  --benchmarks <file>     Lambda durations measured by npm run bench, if the file has them
                          (default docs/benchmarks/latest.json; the defaults otherwise)
  --json                  machine-readable output
  --help                  this text

Examples:
  npm run cost -- --orders-per-month 1000000
  npm run cost -- --orders-per-month 1e6 --scaling`;

export interface CostOptions {
  readonly ordersPerMonth: number;
  readonly scaling: boolean;
  readonly writeDocs: boolean;
  readonly json: boolean;
  readonly benchmarks: string | undefined;
}

export type ParsedArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly options: CostOptions }
  | { readonly kind: 'error'; readonly message: string };

/** A positive, finite number of orders; `_` and `,` group digits. */
export function parseOrders(text: string | undefined): number | string {
  if (text === undefined) return '--orders-per-month is required.';
  const value = Number(text.replace(/[_,]/g, ''));
  if (text.trim() === '' || !Number.isFinite(value))
    return `--orders-per-month must be a number, got '${text}'.`;
  if (value <= 0) return `--orders-per-month must be positive, got ${text}.`;
  return value;
}

/** `--orders-per-month -5` as `--orders-per-month=-5`, so a negative count gets its own message. */
const joinNegativeNumbers = (argv: readonly string[]) =>
  argv.flatMap((arg, i) => {
    if (arg === '--orders-per-month' && /^-[\d.]/.test(argv[i + 1] ?? '')) return [`${arg}=${argv[i + 1]}`];
    return i > 0 && argv[i - 1] === '--orders-per-month' && /^-[\d.]/.test(arg) ? [] : [arg];
  });

export function parseCostArgs(argv: readonly string[]): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: joinNegativeNumbers(argv),
      options: {
        'orders-per-month': { type: 'string' },
        scaling: { type: 'boolean', default: false },
        'write-docs': { type: 'boolean', default: false },
        benchmarks: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  const orders = parseOrders(values['orders-per-month'] as string | undefined);
  if (typeof orders === 'string') return { kind: 'error', message: orders };
  if (values['write-docs'] && !values.scaling)
    return { kind: 'error', message: '--write-docs goes with --scaling.' };
  return {
    kind: 'run',
    options: {
      ordersPerMonth: orders,
      scaling: values.scaling === true,
      writeDocs: values['write-docs'] === true,
      json: values.json === true,
      benchmarks: values.benchmarks as string | undefined,
    },
  };
}
