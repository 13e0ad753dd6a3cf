import { parseArgs } from 'node:util';
import { idSchema } from '../../contracts/events/envelope.js';
import { parseTime } from '../shared/time.js';
import { parsing, UsageError } from '../shared/usage.js';

export const TRACE_USAGE = `Usage: npm run trace -- <orderId|correlationId> [options]

Lists every hop of one order in time order, each with its latency since the hop before: the
bus put and each rule's delivery, each queue receive and its consumer's outcome (retries and
dead-lettering included), the saga's steps and compensations, the event store append and the
outbox relay's publish, and the Kafka partition and offset with each consumer group's read.
Read from the functions' structured logs, the saga's execution history and the stores.

Options:
  --json            print the trace as JSON (the OrderTrace object)
  --aws             use your AWS credentials and region instead of the local emulator
                    (the logs are read with CloudWatch Logs Insights)
  --insights        read the logs with Logs Insights on the emulator too (as --aws does)
  --since <time>    read logs from then on: ISO 8601 or an age like 30m, 2h, 1d
                    (default: all with FilterLogEvents, 1d with Insights)
  --help            this text

Examples:
  npm run trace -- demo-366233-5003
  npm run trace -- 010f43de-ddf6-433d-9a85-a5f58b1b9eab --json
  npm run trace -- ord-42 --aws --since 6h`;

export type TraceArgs =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly id: string;
      readonly json: boolean;
      readonly aws: boolean;
      readonly insights: boolean;
      /** Epoch ms; undefined reads every line. */
      readonly since?: number;
    };

/** The command line of `npm run trace`, or a UsageError that says what is wrong with it. */
export function parseTraceArgs(argv: readonly string[], now = new Date()): TraceArgs {
  const { values, positionals } = parsing(() => parse(argv));
  if (values.help) return { help: true };
  if (positionals.length !== 1)
    throw new UsageError(positionals.length === 0 ? 'give an order id or a correlation id.' : 'give one id.');
  const id = positionals[0] ?? '';
  const valid = idSchema('the id').safeParse(id);
  if (!valid.success) throw new UsageError(`'${id}' is not an id: ${valid.error.issues[0]?.message}.`);
  let since: number | undefined;
  try {
    since = values.since === undefined ? undefined : parseTime(values.since, now).getTime();
  } catch (error) {
    throw new UsageError(`--since: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Insights needs a time range; a day back covers an order's whole life with room.
  const insights = values.aws || values.insights;
  if (since === undefined && insights) since = now.getTime() - 86_400_000;
  return {
    help: false,
    id,
    json: values.json,
    aws: values.aws,
    insights,
    ...(since === undefined ? {} : { since }),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      aws: { type: 'boolean', default: false },
      insights: { type: 'boolean', default: false },
      since: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
