import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { discoverDeadLetterQueues, failureReasonOf, peekMessages } from '../dead-letters/dead-letters.js';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from '../emulator/emulator.js';
import { AppClient } from '../shared/app-client.js';
import { readTemplates } from '../shared/cdk-out.js';
import { deployedOutputs, ORDER_STACKS } from '../shared/stack-outputs.js';
import {
  type AuditLine,
  type DeadLetter,
  type StoreAppend,
  type TraceInput,
  unresolvedFailures,
} from './hops.js';
import { filterLogReader, insightsLogReader, type LogReader, type LogRecord } from './log-records.js';
import type { OrderTrace } from './model.js';
import { physicalIdsOf, type Topology, topologyOf } from './topology.js';

export interface TraceOptions {
  /** Read AWS itself (your credentials and region; logs through Logs Insights), not the emulator. */
  readonly aws?: boolean;
  /** Read the logs with Logs Insights on the emulator too (it always does on AWS). */
  readonly insights?: boolean;
  /** Epoch ms to read logs from; Insights needs one (default: a day back). */
  readonly since?: number;
  /** Told what is being read, for progress output. */
  readonly onProgress?: (message: string) => void;
}

/** Where a trace is read from, by order id: what traceOrder connects to, and what a test fakes. */
export interface TraceSources {
  readonly source: OrderTrace['source'];
  readonly topology: Topology;
  readonly busName?: string;
  readonly topic?: string;
  /** The log lines whose orderId or correlationId is the id. */
  readonly read: LogReader;
  saga(orderId: string): Promise<TraceInput['saga']>;
  store(orderId: string): Promise<StoreAppend[]>;
  audit(orderId: string): Promise<AuditLine[]>;
  /** Whether the sales-per-minute group's store has counted the order's sale. */
  saleCounted(orderId: string): Promise<boolean>;
  /** The records of these lines whose retries ran out, found in their queues' DLQs. */
  deadLetters(logs: readonly LogRecord[], orderId: string): Promise<DeadLetter[]>;
}

/** The deployed app's sources: the emulator's (or AWS_ENDPOINT_URL's), or AWS's with `aws`. */
export async function connectSources(options: TraceOptions = {}): Promise<TraceSources> {
  const say = options.onProgress ?? (() => {});
  const aws = options.aws === true;
  const config = aws ? {} : clientConfig(emulatorEnv(process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT));
  const cfn = new CloudFormationClient(config);
  const sqs = new SQSClient(config);
  const app = aws
    ? new AppClient(undefined, { outputs: await deployedOutputs(cfn, ORDER_STACKS), config })
    : new AppClient();

  say('reading the app wiring (synthesized templates, deployed resources)');
  const templates = readTemplates(undefined, 'the trace maps rules, queues and log groups from them');
  const topology = topologyOf(
    templates.filter((t) => (ORDER_STACKS as readonly string[]).includes(t.stackName)),
    await physicalIdsOf(cfn, ORDER_STACKS),
  );
  const logGroups = [...topology.logGroups.keys()];
  const insights = aws || options.insights === true;
  const since = options.since ?? (insights ? Date.now() - 86_400_000 : undefined);
  const busName = app.busOutputs.BusName;
  const topic = app.logOutputs.OrderLogTopic;
  return {
    source: aws ? 'aws' : 'emulator',
    topology,
    ...(busName ? { busName } : {}),
    ...(topic ? { topic } : {}),
    read: insights
      ? insightsLogReader(new CloudWatchLogsClient(config), {
          logGroups,
          since: since ?? 0,
          onWait: (status) => say(`Logs Insights query ${status.toLowerCase()}…`),
        })
      : filterLogReader(logGroups, since),
    async saga(orderId) {
      const execution = await app.execution(orderId);
      if (!execution?.executionArn) return undefined;
      return { executionArn: execution.executionArn, history: await app.history(orderId) };
    },
    async store(orderId) {
      const events = await app.eventStore().history(orderId);
      return events.map((e) => ({
        version: e.version,
        occurredAt: e.occurredAt,
        eventId: e.eventId,
        type: e.event.type,
        ...(e.outbox ? { outbox: e.outbox } : {}),
      }));
    },
    async audit(orderId) {
      return (await app.auditTrail(orderId)).flatMap(auditLine);
    },
    saleCounted: (orderId) => app.saleCounted(orderId),
    deadLetters: (logs, orderId) => deadLettersOf(logs, topology, sqs, cfn, orderId),
  };
}

/** An item of the audit trail (lambdas/order-audit) as a line; anything else is skipped. */
function auditLine(item: Record<string, unknown>): AuditLine[] {
  const { eventId, detailType, occurredAt, partition, offset } = item;
  return typeof eventId === 'string' &&
    typeof detailType === 'string' &&
    typeof occurredAt === 'string' &&
    typeof partition === 'number' &&
    typeof offset === 'number'
    ? [{ eventId, detailType, occurredAt, partition, offset }]
    : [];
}

/** Records whose last attempt failed and that now sit in their queue's DLQ (retries exhausted). */
async function deadLettersOf(
  logs: readonly LogRecord[],
  topology: Topology,
  sqs: SQSClient,
  cfn: CloudFormationClient,
  orderId: string,
): Promise<DeadLetter[]> {
  const failures = unresolvedFailures(logs);
  if (failures.length === 0) return [];
  const queues = await discoverDeadLetterQueues({ cfn, sqs });
  const found: DeadLetter[] = [];
  for (const failure of failures) {
    if (!topology.queues.has(failure.queue)) continue;
    const dlq = queues.find((q) => q.sourceQueues.some((s) => s.url.endsWith(`/${failure.queue}`)));
    if (!dlq) continue;
    const messages = await peekMessages(sqs, dlq.url, 100);
    // A redrive policy keeps the message id; else the body's envelope names the order.
    const message = messages.find((m) => m.MessageId === failure.messageId || orderIdOf(m.Body) === orderId);
    if (message)
      found.push({ queue: failure.queue, messageId: failure.messageId, reason: failureReasonOf(message) });
  }
  return found;
}

/** The order id in an event's body (`detail.data.orderId`), if it is one. */
function orderIdOf(body: string | undefined): unknown {
  try {
    return (JSON.parse(body ?? '') as { detail?: { data?: { orderId?: unknown } } }).detail?.data?.orderId;
  } catch {
    return undefined;
  }
}
