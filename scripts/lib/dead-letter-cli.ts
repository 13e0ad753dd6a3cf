import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from './emulator.js';
import { DEFAULT_RATE, MAX_RATE } from './redrive.js';

/**
 * Argument parsing for `npm run dlq` and `npm run redrive`, kept apart from the scripts so that
 * it can be tested without AWS. Every problem is a UsageError: the scripts exit 2 on it.
 */

/** A bad command line (exit status 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const DLQ_USAGE = `Usage: npm run dlq -- <command> [options]

Lists and reads the dead-letter queues of the deployed app (stacks OrderEvents,
OrderNotifications, OrderFulfilment) without taking anything out of them.

Commands:
  list              every dead-letter queue: its short name, kind, depth, age of the oldest
                    message, where a redrive sends its messages
  peek <queue>      up to N messages, oldest first: sent time, receive count, why it was
                    dead-lettered (the failureReason attribute, else "retries exhausted")
                    and the start of the body

<queue> is a short name from 'list': stack and queue, e.g. notifications/email,
events/analytics, notifications/analytics. The queue part alone is enough where no other
queue has it (email, status; not analytics, which both stacks have). Also accepted: the
queue's name (OrderNotifications/EmailQueue), a unique part of a name, its URL or ARN.

Options:
  -n, --max <N>     peek: how many messages, 1-100 (default 10)
  --json            print JSON instead of text
  --aws             use your AWS credentials and region instead of the local emulator
  --help            this text

Kinds: "queue DLQ" (filled by a queue's RedrivePolicy after maxReceiveCount receives, or by
its consumer for a record that can never succeed), "SNS delivery DLQ" (a subscription's
RedrivePolicy), "EventBridge target DLQ" (a rule target's DeadLetterConfig).
Peeking receives with visibility timeout 0: messages stay where they are, but every peek
counts as a receive (-n above 10 pages through the queue, hiding messages for a moment and
making them visible again at once). Peeks and ages come from a sample; SQS may not return
every message.

Examples:
  npm run dlq -- list
  npm run dlq -- peek email -n 5
  npm run dlq -- peek events/analytics
  npm run redrive -- --help         to move messages back`;

export type DlqCommand =
  | { readonly command: 'help' }
  | { readonly command: 'list'; readonly json: boolean; readonly aws: boolean }
  | {
      readonly command: 'peek';
      readonly queue: string;
      readonly max: number;
      readonly json: boolean;
      readonly aws: boolean;
    };

/** Runs node:util parseArgs, turning its errors into usage errors. */
function parsing<R>(parse: () => R): R {
  try {
    return parse();
  } catch (error) {
    // Node says e.g. "Unknown option '--frob'. To specify a positional argument starting with..."
    const text = error instanceof Error ? (error.message.split('. ')[0] ?? error.message) : String(error);
    throw new UsageError(`${text.charAt(0).toLowerCase()}${text.slice(1)}.`);
  }
}

function wholeNumber(text: string | undefined, what: string, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new UsageError(`${what} must be a whole number from ${min} to ${max}, got '${text ?? ''}'.`);
  }
  return value;
}

export function parseDlqArgs(argv: readonly string[]): DlqCommand {
  const { values, positionals } = parsing(() =>
    parseArgs({
      args: [...argv],
      options: {
        max: { type: 'string', short: 'n' },
        json: { type: 'boolean', default: false },
        aws: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    }),
  );
  if (values.help) return { command: 'help' };
  const [command, ...rest] = positionals;
  const json = values.json === true;
  const aws = values.aws === true;
  switch (command) {
    case 'list':
      if (rest.length > 0) throw new UsageError(`list takes no arguments, got '${rest.join(' ')}'.`);
      if (values.max !== undefined) throw new UsageError('-n/--max applies to peek only.');
      return { command: 'list', json, aws };
    case 'peek': {
      const [queue, ...extra] = rest;
      if (!queue) throw new UsageError('peek needs a queue: a name from `npm run dlq -- list`.');
      if (extra.length > 0) throw new UsageError(`peek takes one queue, got also '${extra.join(' ')}'.`);
      const max = values.max === undefined ? 10 : wholeNumber(String(values.max), '-n', 1, 100);
      return { command: 'peek', queue, max, json, aws };
    }
    case undefined:
      throw new UsageError('a command is required: list or peek.');
    default:
      throw new UsageError(`unknown command '${command}': use list or peek.`);
  }
}

export const REDRIVE_USAGE = `Usage: npm run redrive -- <queue> | --all | --bus-dlq [<queue>] | --sns-dlq [<queue>] [options]

Moves dead-lettered messages back to where they failed. Fix the cause first (npm run dlq --
peek <queue> says why each message failed), then redrive.

What to redrive:
  <queue>          one queue DLQ (a short name from \`npm run dlq -- list\`, e.g.
                   notifications/email or just email, events/analytics; or its name or
                   URL): back to its source queue
  --all            every queue DLQ that holds messages, each back to its source queue
  --bus-dlq        every EventBridge target DLQ, or only <queue>: each message body is the
                   event EventBridge could not deliver; it is put back on its bus with
                   PutEvents (the bus of the rule that dead-lettered it, else the OrderEvents
                   bus), where EVERY rule matches it again: other targets get a duplicate,
                   which their idempotent consumers absorb
  --sns-dlq        every SNS delivery DLQ, or only <queue>: republished to its topic, where
                   every subscription's filter policy applies again (duplicates for the
                   subscriptions that had it, absorbed by idempotent consumers)

Options:
  --rate <N>       at most N messages per second, 1-${MAX_RATE} (default ${DEFAULT_RATE})
  --dry-run        say what would move and how; receive, send and delete nothing
  --bus <name>     --bus-dlq: put every event on this bus instead
  --mover          queue DLQs: use the script's mover even where StartMessageMoveTask exists
  --timeout <s>    how long to wait for an SQS message move task (default 3600)
  --aws            use your AWS credentials and region instead of the local emulator
  --help           this text

How a queue DLQ moves: with SQS StartMessageMoveTask (at --rate) where the endpoint has it,
as on AWS; where it does not (the local emulator), with the script's mover: it receives up to
10 messages at a time, sends copies to the source queue with SendMessageBatch (same body and
message attributes, minus failureReason, sourceQueueArn and originalMessageId; FIFO: same
message group, new deduplication id) and deletes from the DLQ only the messages whose copy
the send acknowledged. A message whose copy failed stays in the DLQ.

Safe to interrupt: Ctrl-C stops after the current batch (a move task is cancelled). A run
killed between copying a message and deleting it leaves the message in the DLQ too, so a
re-run can deliver it twice (the consumers are idempotent), but no message is ever lost.

Exit status: 0 when everything selected moved, 1 when some message could not be moved (or
was copied but not deleted), 2 for a bad command line, 130 when interrupted.

Examples:
  npm run redrive -- email --dry-run
  npm run redrive -- OrderNotifications/EmailQueue --rate 50
  npm run redrive -- --all
  npm run redrive -- --bus-dlq`;

export type RedriveMode = 'queue' | 'bus' | 'sns';

export interface RedriveCommand {
  readonly command: 'redrive';
  readonly mode: RedriveMode;
  /** One queue, or every DLQ of the mode when undefined. */
  readonly queue?: string;
  readonly rate: number;
  readonly dryRun: boolean;
  readonly bus?: string;
  readonly mover: boolean;
  readonly timeoutSeconds: number;
  readonly aws: boolean;
}

export function parseRedriveArgs(argv: readonly string[]): RedriveCommand | { readonly command: 'help' } {
  const { values, positionals } = parsing(() =>
    parseArgs({
      args: [...argv],
      options: {
        all: { type: 'boolean', default: false },
        'bus-dlq': { type: 'boolean', default: false },
        'sns-dlq': { type: 'boolean', default: false },
        rate: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        bus: { type: 'string' },
        mover: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        aws: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    }),
  );
  if (values.help) return { command: 'help' };
  if (positionals.length > 1) {
    throw new UsageError(
      `redrive one queue at a time (or --all), got ${positionals.length}: ${positionals.join(', ')}.`,
    );
  }
  const queue = positionals[0];
  const all = values.all === true;
  const busDlq = values['bus-dlq'] === true;
  const snsDlq = values['sns-dlq'] === true;
  if (busDlq && snsDlq) throw new UsageError('choose one of --bus-dlq and --sns-dlq.');
  if (all && (busDlq || snsDlq)) {
    throw new UsageError(
      `--all is for queue DLQs; --${busDlq ? 'bus' : 'sns'}-dlq alone already takes all of its kind.`,
    );
  }
  if (all && queue) throw new UsageError(`name a queue or pass --all, not both (got '${queue}' and --all).`);
  if (!all && !busDlq && !snsDlq && !queue) {
    throw new UsageError('name a queue to redrive, or pass --all, --bus-dlq or --sns-dlq.');
  }
  const mode: RedriveMode = busDlq ? 'bus' : snsDlq ? 'sns' : 'queue';
  if (values.bus !== undefined && mode !== 'bus') throw new UsageError('--bus applies to --bus-dlq only.');
  if (values.mover && mode !== 'queue') throw new UsageError('--mover applies to queue DLQs only.');
  const rate =
    values.rate === undefined ? DEFAULT_RATE : wholeNumber(String(values.rate), '--rate', 1, MAX_RATE);
  const timeoutSeconds =
    values.timeout === undefined ? 3600 : wholeNumber(String(values.timeout), '--timeout', 1, 86_400);
  return {
    command: 'redrive',
    mode,
    ...(queue ? { queue } : {}),
    rate,
    dryRun: values['dry-run'] === true,
    ...(typeof values.bus === 'string' ? { bus: values.bus } : {}),
    mover: values.mover === true,
    timeoutSeconds,
    aws: values.aws === true,
  };
}

export interface Clients {
  readonly cfn: CloudFormationClient;
  readonly sqs: SQSClient;
  readonly eventBridge: EventBridgeClient;
  readonly sns: SNSClient;
}

/** Clients for the local emulator (AWS_ENDPOINT_URL, else the default), or for AWS with --aws. */
export function connectClients(aws: boolean): Clients {
  const config = aws ? {} : clientConfig(emulatorEnv(process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT));
  return {
    cfn: new CloudFormationClient(config),
    sqs: new SQSClient(config),
    eventBridge: new EventBridgeClient(config),
    sns: new SNSClient(config),
  };
}

/** The orders bus: the OrderEvents stack's BusName output. */
export async function deployedBusName(cfn: CloudFormationClient): Promise<string> {
  const stack = await cfn
    .send(new DescribeStacksCommand({ StackName: 'OrderEvents' }))
    .catch((error: Error) => {
      throw new Error(`the OrderEvents stack could not be read (${error.message}); deploy it or pass --bus.`);
    });
  const name = stack.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'BusName')?.OutputValue;
  if (!name) throw new Error('the OrderEvents stack has no BusName output; deploy it or pass --bus.');
  return name;
}
