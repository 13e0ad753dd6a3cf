import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ORDER_LOG_GROUPS } from '../../lib/stacks/order-log-stack.js';
import { discoverDeadLetterQueues, failureReasonOf, peekMessages } from '../dead-letters/dead-letters.js';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from '../emulator/emulator.js';
import { AppClient } from '../shared/app-client.js';
import { readTemplates } from '../shared/cdk-out.js';
import { deployedOutputs } from '../shared/stack-outputs.js';
import { textTable } from '../shared/table.js';
import { type AuditLine, assembleTrace, type DeadLetter, unresolvedFailures } from './hops.js';
import { filterLogReader, insightsLogReader, type LogReader, type LogRecord } from './log-records.js';
import type { OrderTrace } from './model.js';
import { physicalIdsOf, type Topology, topologyOf } from './topology.js';

export type { OrderTrace, TraceHop } from './model.js';

/** The stacks whose functions, saga and stores an order passes through. */
export const TRACED_STACKS = ['OrderEvents', 'OrderNotifications', 'OrderFulfilment', 'OrderLog'] as const;

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

/**
 * Every hop of one order, found by its orderId or by a correlationId of its flow: the log
 * lines of the app's functions, its saga's history, its event store and the order log's
 * stores. Undefined when nothing knows the id.
 */
export async function traceOrder(id: string, options: TraceOptions = {}): Promise<OrderTrace | undefined> {
  const say = options.onProgress ?? (() => {});
  const aws = options.aws === true;
  const config = aws ? {} : clientConfig(emulatorEnv(process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT));
  const cfn = new CloudFormationClient(config);
  const app = aws
    ? new AppClient(undefined, { outputs: await deployedOutputs(cfn, TRACED_STACKS), config })
    : new AppClient();

  say('reading the app wiring (synthesized templates, deployed resources)');
  const templates = readTemplates(undefined, 'the trace maps rules, queues and log groups from them');
  const topology = topologyOf(
    templates.filter((t) => (TRACED_STACKS as readonly string[]).includes(t.stackName)),
    await physicalIdsOf(cfn, TRACED_STACKS),
  );
  const logGroups = [...topology.logGroups.keys()];
  const insights = aws || options.insights === true;
  const since = options.since ?? (insights ? Date.now() - 86_400_000 : undefined);
  const read: LogReader = insights
    ? insightsLogReader(new CloudWatchLogsClient(config), {
        logGroups,
        since: since ?? 0,
        onWait: (status) => say(`Logs Insights query ${status.toLowerCase()}…`),
      })
    : filterLogReader(logGroups, since);

  say(`reading the lines of ${id} from ${logGroups.length} log groups`);
  let logs = await read(id);
  const orderId = logs.map((r) => r.fields.orderId).find((o): o is string => typeof o === 'string') ?? id;
  // Asked for a correlationId: the order's other flows (its outcome, its status changes) too.
  if (orderId !== id) logs = merge(logs, await read(orderId));

  say(`reading the saga, the event store and the order log of ${orderId}`);
  const execution = await app.execution(orderId);
  const history = execution ? await app.history(orderId) : [];
  const store = await app
    .eventStore()
    .history(orderId)
    .catch(() => []);
  if (logs.length === 0 && !execution && store.length === 0) return undefined;
  const audit = (await app.auditTrail(orderId).catch(() => [])).flatMap(auditLine);
  const groupsInStore = [
    ...(audit.length > 0 ? [ORDER_LOG_GROUPS.audit] : []),
    ...((await app.saleCounted(orderId).catch(() => false)) ? [ORDER_LOG_GROUPS.sales] : []),
  ];

  return assembleTrace({
    id,
    orderId,
    source: aws ? 'aws' : 'emulator',
    topology,
    logs,
    busName: app.busOutputs.BusName,
    topic: app.logOutputs.OrderLogTopic,
    ...(execution?.executionArn ? { saga: { executionArn: execution.executionArn, history } } : {}),
    store: store.map((e) => ({
      version: e.version,
      occurredAt: e.occurredAt,
      eventId: e.eventId,
      type: e.event.type,
      ...(e.outbox ? { outbox: e.outbox } : {}),
    })),
    audit,
    groupsInStore,
    deadLetters: await deadLettersOf(logs, topology, new SQSClient(config), cfn, orderId),
  });
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

const merge = (a: readonly LogRecord[], b: readonly LogRecord[]): LogRecord[] => {
  const key = (r: LogRecord) => `${r.logGroup}|${r.at}|${r.message}|${String(r.fields.messageId ?? '')}`;
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((r) => !seen.has(key(r)))];
};

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

const clock = (iso: string) => iso.slice(11, 23);
const duration = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);

/** The trace as text: a header, one row per hop (time, latency, kind, where, outcome, what), the total. */
export function formatTrace(trace: OrderTrace): string {
  const first = trace.hops[0];
  const asked = trace.id === trace.orderId ? '' : ` (asked for ${trace.id})`;
  const header = [
    `Order ${trace.orderId}${asked}: ${trace.hops.length} hop(s)${first ? ` from ${first.at.slice(0, 10)}` : ''}, read from the ${trace.source === 'aws' ? 'AWS account' : 'emulator'}`,
    ...(trace.correlationIds.length > 0 ? [`correlation: ${trace.correlationIds.join(', ')}`] : []),
  ];
  const rows = trace.hops.map((h) => [
    clock(h.at),
    h.latencyMs === undefined ? '' : `+${h.latencyMs}`,
    h.kind,
    h.where,
    h.outcome,
    h.summary,
  ]);
  return [
    ...header,
    '',
    textTable(rows, { header: ['TIME', '+MS', 'KIND', 'WHERE', 'OUTCOME', 'WHAT'], indent: '  ' }),
    '',
    `Total: ${duration(trace.totalMs)} from the first hop to the last.`,
  ].join('\n');
}
