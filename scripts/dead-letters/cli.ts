import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from '../emulator/emulator.js';
import { parsing, UsageError } from '../shared/usage.js';
import { DEFAULT_RATE, MAX_RATE, type RedriveReport } from './redrive.js';
import type { StreamRelayClients } from './stream-relay.js';

/**
 * Argument parsing, report wording and Ctrl-C handling for `npm run dlq` and `npm run redrive`,
 * kept apart from the scripts so that they can be tested without AWS. Every problem with a
 * command line is a UsageError: the scripts exit 2 on it.
 */

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
RedrivePolicy), "EventBridge target DLQ" (a rule target's DeadLetterConfig), "stream relay
DLQ" (a DynamoDB-stream event source's on-failure destination, which the outbox relay also
uses for a record it can never relay).
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

export const REDRIVE_USAGE = `Usage: npm run redrive -- <queue> | --all | --bus-dlq [<queue>] | --sns-dlq [<queue>] | --relay-dlq [<queue>] [options]

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
  --relay-dlq      every stream relay DLQ (fulfilment/outbox-relay-dead-letters), or only
                   <queue>: each message's records go through the relay function again,
                   read from the table as it is now: an on-failure record (AWS) names a
                   batch's stream position, whose keys are read from the stream (it keeps
                   them 24 hours); a record the relay dead-lettered is redriven only once it
                   passes the relay's outbox check, else it stays with the reason. Outcome
                   events already published go out again with the same eventId, which the
                   consumers de-duplicate

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

An empty DLQ is reported as "empty, nothing to move" and left alone (exit status 0); with
--all, --bus-dlq, --sns-dlq or --relay-dlq each empty one says so, and a last line sums up
the run.

Safe to interrupt: Ctrl-C before anything moves quits at once; once messages are moving, it
stops after the current batch (a move task is cancelled), and a second Ctrl-C quits at once.
A run killed between copying a message and deleting it leaves the message in the DLQ too, so
a re-run can deliver it twice (the consumers are idempotent), but no message is ever lost.

Exit status: 0 when everything selected moved (or there was nothing to move), 1 when some
message could not be moved (or was copied but not deleted), 2 for a bad command line, 130
when interrupted (under npm too: npm then ends itself by SIGINT, which a shell reports as 130).

Examples:
  npm run redrive -- email --dry-run
  npm run redrive -- notifications/analytics --rate 50
  npm run redrive -- --all
  npm run redrive -- --bus-dlq
  npm run redrive -- --relay-dlq --dry-run`;

export type RedriveMode = 'queue' | 'bus' | 'sns' | 'relay';

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
        'relay-dlq': { type: 'boolean', default: false },
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
  const relayDlq = values['relay-dlq'] === true;
  const kinds = (
    [
      [busDlq, 'bus'],
      [snsDlq, 'sns'],
      [relayDlq, 'relay'],
    ] as const
  ).flatMap(([chosen, kind]): RedriveMode[] => (chosen ? [kind] : []));
  if (kinds.length > 1) throw new UsageError('choose one of --bus-dlq, --sns-dlq and --relay-dlq.');
  if (all && kinds[0]) {
    throw new UsageError(`--all is for queue DLQs; --${kinds[0]}-dlq alone already takes all of its kind.`);
  }
  if (all && queue) throw new UsageError(`name a queue or pass --all, not both (got '${queue}' and --all).`);
  if (!all && !kinds[0] && !queue) {
    throw new UsageError('name a queue to redrive, or pass --all, --bus-dlq, --sns-dlq or --relay-dlq.');
  }
  const mode: RedriveMode = kinds[0] ?? 'queue';
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
  readonly streamRelay: StreamRelayClients;
}

/** Clients for the local emulator (AWS_ENDPOINT_URL, else the default), or for AWS with --aws. */
export function connectClients(aws: boolean): Clients {
  const config = aws ? {} : clientConfig(emulatorEnv(process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT));
  return {
    cfn: new CloudFormationClient(config),
    sqs: new SQSClient(config),
    eventBridge: new EventBridgeClient(config),
    sns: new SNSClient(config),
    streamRelay: {
      lambda: new LambdaClient(config),
      dynamodb: new DynamoDBClient(config),
      streams: new DynamoDBStreamsClient(config),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What the redrive prints

/** The outcome of one DLQ's redrive, after its name: `empty, nothing to move`, `moved 3, ...`. */
export function describeReport(report: RedriveReport): string {
  if (report.empty) return 'empty, nothing to move';
  const how = report.method === 'message-move-task' ? 'SQS message move task' : "the script's mover";
  if (report.dryRun) {
    const w = report.waiting;
    return (
      `would move ${w.visible} message(s) to ${report.destination} with ${how}` +
      (w.inFlight > 0 ? ` (${w.inFlight} more in flight, moved once visible again)` : '')
    );
  }
  const r = report.result;
  if (!r) return 'nothing done';
  const parts = [`moved ${r.moved}`, `failed ${r.failed}`];
  if (r.heldBack > 0) parts.push(`held back ${r.heldBack} (FIFO order, behind a failure)`);
  if (r.notDeleted > 0) parts.push(`copied but not deleted ${r.notDeleted} (sent again next time)`);
  parts.push(`left ${r.left}`);
  return `${parts.join(', ')} (${how} → ${report.destination})`;
}

/**
 * The last line of a run over every DLQ of a kind: how many there were, how many were empty,
 * what moved (or would), and how many an interruption left unvisited.
 */
export function summarizeReports(reports: readonly RedriveReport[], selected: number, kind: string): string {
  const label = `${kind}${selected === 1 ? '' : 's'}`;
  const empty = reports.filter((r) => r.empty).length;
  const unvisited = selected - reports.length;
  const tail = unvisited > 0 ? `; ${unvisited} not reached (interrupted)` : '';
  if (empty === selected) {
    return `Nothing to redrive: ${selected === 1 ? `the one ${label} is` : `all ${selected} ${label} are`} empty`;
  }
  const busy = reports.filter((r) => !r.empty);
  const emptyPart = empty > 0 ? `; ${empty} empty` : '';
  if (reports.some((r) => r.dryRun)) {
    const waiting = busy.reduce((n, r) => n + r.waiting.visible + r.waiting.inFlight, 0);
    return `Dry run: ${waiting} message(s) would move from ${busy.length} of ${selected} ${label}${emptyPart}${tail}`;
  }
  const moved = busy.reduce((n, r) => n + (r.result?.moved ?? 0), 0);
  const failed = busy.reduce((n, r) => n + (r.result?.failed ?? 0), 0);
  return (
    `${busy.length} of ${selected} ${label} redriven: moved ${moved}${failed > 0 ? `, failed ${failed}` : ''}` +
    `${emptyPart}${tail}`
  );
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C

export interface Interrupts {
  /** Aborted by the first Ctrl-C once messages are moving: the redrive stops between batches. */
  readonly signal: AbortSignal;
  /** The SIGINT listener. */
  readonly onSigint: () => void;
  /** From now on the first Ctrl-C lets the batch in hand finish instead of quitting. */
  moving(): void;
}

/**
 * Ctrl-C for the redrive. Until messages start moving there is nothing to finish, so it quits
 * at once; while they move, the first one stops the run after the current batch and a second
 * quits at once. `quit` ends the process with exit status 130.
 */
export function handleInterrupts(
  quit: (message: string) => void,
  warn: (message: string) => void,
): Interrupts {
  const abort = new AbortController();
  let moving = false;
  return {
    signal: abort.signal,
    onSigint: () => {
      if (!moving) quit('interrupted before anything moved.');
      else if (abort.signal.aborted) {
        quit(
          'interrupted again: stopped at once. Re-run to go on; a message copied but not yet deleted is sent again.',
        );
      } else {
        warn('Stopping after the current batch (Ctrl-C again to quit at once)');
        abort.abort();
      }
    },
    moving: () => {
      moving = true;
    },
  };
}
