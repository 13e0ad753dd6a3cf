import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { outboxDetailTypes } from '../../contracts/domain/outbox.js';
import { LOG_LINES } from '../../lambdas/shared/log-lines.js';
import { sagaPath } from '../saga/saga.js';
import type { LogRecord } from './log-records.js';
import type { HopKind, HopOutcome, OrderTrace, TraceHop } from './model.js';
import type { QueueRoute, RuleRef, Topology } from './topology.js';

/** An event of the order's event store, as the trace needs it. */
export interface StoreAppend {
  readonly version: number;
  readonly occurredAt: string;
  readonly eventId: string;
  readonly type: string;
  readonly outbox?: readonly unknown[];
}

/** A line of the order log's audit trail (the OrderLog stack's table). */
export interface AuditLine {
  readonly eventId: string;
  readonly detailType: string;
  readonly occurredAt: string;
  readonly partition: number;
  readonly offset: number;
}

/** A message found in a dead-letter queue after its retries ran out. */
export interface DeadLetter {
  /** The queue's deployed name, as the consumer's lines give it. */
  readonly queue: string;
  readonly messageId: string;
  readonly reason: string;
}

/** Everything the trace of one order is made from; `assembleTrace` is pure. */
export interface TraceInput {
  readonly id: string;
  readonly orderId: string;
  readonly source: OrderTrace['source'];
  readonly topology: Topology;
  readonly logs: readonly LogRecord[];
  readonly busName?: string;
  readonly topic?: string;
  readonly saga?: { readonly executionArn: string; readonly history: readonly HistoryEvent[] };
  readonly store?: readonly StoreAppend[];
  readonly audit?: readonly AuditLine[];
  /** The consumer groups whose store shows the order (when their lines are missing). */
  readonly groupsInStore?: readonly string[];
  readonly deadLetters?: readonly DeadLetter[];
}

/** Which of two hops at the same millisecond comes first: the order events flow in. */
const FLOW: readonly HopKind[] = [
  'store-append',
  'outbox-relay',
  'bus-put',
  'rule-delivery',
  'topic-delivery',
  'kafka-append',
  'queue-receive',
  'kafka-consume',
  'consumer',
  'dead-letter',
  'saga-step',
  'compensation',
];

type Hop = Omit<TraceHop, 'latencyMs'>;

/** What an SQS consumer's outcome line says became of the record. */
const SQS_OUTCOMES: Readonly<Record<string, HopOutcome>> = {
  [LOG_LINES.handled]: 'ok',
  [LOG_LINES.retried]: 'retried',
  [LOG_LINES.rejected]: 'dead-lettered',
};
/** The same for a Kafka consumer, which retries the whole batch. */
const KAFKA_OUTCOMES: Readonly<Record<string, HopOutcome>> = {
  [LOG_LINES.handled]: 'ok',
  [LOG_LINES.batchRetried]: 'retried',
  [LOG_LINES.rejected]: 'dead-lettered',
};

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();
const errorText = (v: unknown) =>
  str((v as { message?: unknown } | undefined)?.message) ?? str(v) ?? 'unknown error';

/** The rules of a route that can have delivered `detailType`: those that name it, else all. */
function rulesFor(rules: readonly RuleRef[], detailType: string | undefined): readonly RuleRef[] {
  const named = rules.filter((r) => detailType !== undefined && r.detailTypes?.includes(detailType));
  return named.length > 0 ? named : rules.filter((r) => r.detailTypes === undefined || !detailType);
}

/** The event a hop is about, where known (absent keys rather than undefined ones). */
const ids = (eventId?: string, detailType?: string) => ({
  ...(eventId ? { eventId } : {}),
  ...(detailType ? { detailType } : {}),
});

/**
 * How a message reached its queue, timed when SQS took it: each rule that can have delivered
 * it, straight to the queue or to the topic the queue subscribes to (one hop per event, since
 * every subscribed queue sees it), then the topic's delivery to this queue.
 */
function deliveries(
  route: QueueRoute | undefined,
  queue: string,
  sentAt: string,
  messageId: string,
  about: { eventId?: string; detailType?: string },
): { key: string; hop: Hop }[] {
  const what = about.detailType ?? 'a record';
  const queueName = route?.name ?? queue;
  const topic = route?.topic;
  const rules = rulesFor(topic ? topic.rules : (route?.rules ?? []), about.detailType);
  const ruleHops = rules.map((rule): { key: string; hop: Hop } => ({
    key: topic ? `rule:${rule.name}:${about.eventId}` : `rule:${rule.name}:${messageId}`,
    hop: {
      at: sentAt,
      kind: 'rule-delivery',
      where: rule.name,
      summary: `${what} matched rule ${rule.name} → ${topic ? `topic ${topic.name}` : queueName}`,
      outcome: 'ok',
      ...ids(about.eventId, about.detailType),
      details: topic ? { target: topic.name } : { target: queueName, messageId },
    },
  }));
  if (!topic) return ruleHops;
  return [
    ...ruleHops,
    {
      key: `topic:${messageId}`,
      hop: {
        at: sentAt,
        kind: 'topic-delivery',
        where: topic.name,
        summary: `${what} delivered to ${queueName}`,
        outcome: 'ok',
        ...ids(about.eventId, about.detailType),
        details: { queue: queueName, messageId },
      },
    },
  ];
}

/** The order's hops from its log lines, saga history and stores, in time order with latencies. */
export function assembleTrace(input: TraceInput): OrderTrace {
  const hops: Hop[] = [];
  // A keyed hop is one hop however many lines show it (a rule's delivery to a topic is seen
  // by each subscribed queue): the earliest of them.
  const keyed = new Map<string, number>();
  const add = (key: string | undefined, hop: Hop) => {
    const index = key === undefined ? undefined : keyed.get(key);
    if (index !== undefined) {
      const known = hops[index];
      if (known && ms(hop.at) < ms(known.at)) hops[index] = hop;
      return;
    }
    if (key !== undefined) keyed.set(key, hops.length);
    hops.push(hop);
  };
  const functionOf = (r: LogRecord) => input.topology.logGroups.get(r.logGroup) ?? r.logGroup;
  const bus = input.busName ?? 'the bus';
  const topic = input.topic ?? 'the order log';
  const correlationIds = new Set<string>();
  const detailTypes = new Map<string, string>(); // eventId → detail type
  // Where the time of a bus put can come from, best first: the relay's line just before its
  // PutEvents, the event's occurredAt (the client's publisher sets it just before its own), the
  // bus's `time` (whole seconds on AWS). Never later than a rule's first delivery of it.
  const PUT_SOURCES = ['relay', 'occurredAt', 'busTime'] as const;
  const busPuts = new Map<
    string,
    { at: number; source: (typeof PUT_SOURCES)[number]; detailType?: string; firstSent?: number }
  >();
  const putOnBus = (
    eventId: string | undefined,
    at: number,
    source: (typeof PUT_SOURCES)[number],
    detailType?: string,
    sent?: number,
  ) => {
    if (!eventId || !Number.isFinite(at)) return;
    const known = busPuts.get(eventId);
    const better =
      !known ||
      PUT_SOURCES.indexOf(source) < PUT_SOURCES.indexOf(known.source) ||
      (source === known.source && at < known.at);
    const firstSent = Math.min(
      sent ?? Number.POSITIVE_INFINITY,
      known?.firstSent ?? Number.POSITIVE_INFINITY,
    );
    busPuts.set(eventId, {
      ...(better ? { at, source } : { at: known.at, source: known.source }),
      detailType: detailType ?? known?.detailType,
      ...(Number.isFinite(firstSent) ? { firstSent } : {}),
    });
  };
  const kafkaAppended = new Set<string>();
  const groupsLogged = new Set<string>();
  // The last line of each SQS message: a failure with nothing after it may have been dead-lettered.
  const lastOutcome = new Map<string, { queue: string; at: string; outcome: HopOutcome; eventId?: string }>();

  for (const e of input.store ?? []) detailTypes.set(e.eventId, e.type);
  for (const a of input.audit ?? []) detailTypes.set(a.eventId, a.detailType);

  const logs = [...input.logs].sort((a, b) => ms(a.at) - ms(b.at));
  for (const r of logs) {
    const f = r.fields;
    const correlationId = str(f.correlationId);
    if (correlationId) correlationIds.add(correlationId);
    const eventId = str(f.eventId);
    const detailType = str(f.detailType) ?? (eventId ? detailTypes.get(eventId) : undefined);
    if (eventId && detailType) detailTypes.set(eventId, detailType);
    const queue = str(f.queue);
    const partition = num(f.partition);

    const sqsOutcome = queue ? SQS_OUTCOMES[r.message] : undefined;
    if (queue && sqsOutcome) {
      const route = input.topology.queues.get(queue);
      const queueName = route?.name ?? queue;
      const receiveCount = num(f.receiveCount) ?? 1;
      const messageId = str(f.messageId) ?? '?';
      const receivedAt = ms(r.at) - (num(f.durationMs) ?? 0);
      const sentAt = str(f.sentAt);
      const what = detailType ?? 'a record';
      if (sentAt) {
        // Only what a rule delivered was on the bus (the status stream is published to directly).
        const busTime = str(f.busTime);
        const ruled = (route?.topic ? route.topic.rules : (route?.rules ?? [])).length > 0;
        if (ruled) putOnBus(eventId, busTime ? ms(busTime) : ms(sentAt), 'busTime', detailType, ms(sentAt));
        for (const { key, hop } of deliveries(route, queue, sentAt, messageId, ids(eventId, detailType)))
          add(key, hop);
      }
      const outcome = sqsOutcome;
      add(undefined, {
        at: iso(receivedAt),
        kind: 'queue-receive',
        where: queueName,
        summary: `${what} received by ${functionOf(r)} (receive ${receiveCount})`,
        outcome: receiveCount > 1 ? 'retried' : 'ok',
        ...ids(eventId, detailType),
        details: {
          receiveCount,
          messageId,
          ...(sentAt ? { queueWaitMs: Math.max(0, receivedAt - ms(sentAt)) } : {}),
        },
      });
      const consumer = functionOf(r);
      add(undefined, {
        at: r.at,
        kind: 'consumer',
        where: consumer,
        summary:
          outcome === 'ok'
            ? `${what} handled`
            : outcome === 'retried'
              ? `${what} failed, to be retried: ${errorText(f.error)}`
              : `${what} rejected: ${str(f.reason) ?? 'no reason given'}`,
        outcome,
        ...ids(eventId, detailType),
        details: {
          attempt: receiveCount,
          ...(num(f.durationMs) !== undefined ? { durationMs: num(f.durationMs) ?? 0 } : {}),
        },
      });
      if (outcome === 'dead-lettered')
        add(undefined, {
          at: r.at,
          kind: 'dead-letter',
          where: `${queueName} DLQ`,
          summary: `${what} dead-lettered by ${consumer}: ${str(f.reason) ?? 'no reason given'}`,
          outcome: 'dead-lettered',
          ...ids(eventId, detailType),
          details: { messageId, reason: str(f.reason) ?? '' },
        });
      lastOutcome.set(messageId, { queue, at: r.at, outcome, ...(eventId ? { eventId } : {}) });
      continue;
    }

    const kafkaOutcome = partition === undefined ? undefined : KAFKA_OUTCOMES[r.message];
    if (partition !== undefined && kafkaOutcome) {
      const offset = num(f.offset) ?? -1;
      const group = str(f.group) ?? functionOf(r);
      const what = detailType ?? 'a record';
      const appendedAt =
        str(f.appendedAt) ?? (num(f.timestamp) !== undefined ? iso(num(f.timestamp) ?? 0) : undefined);
      if (appendedAt) {
        kafkaAppended.add(`${partition}:${offset}`);
        add(`kafka:${partition}:${offset}`, {
          at: appendedAt,
          kind: 'kafka-append',
          where: `${str(f.topic) ?? topic}[${partition}]`,
          summary: `${what} appended at partition ${partition}, offset ${offset}`,
          outcome: 'ok',
          ...ids(eventId, detailType),
          details: { partition, offset },
        });
      }
      const outcome = kafkaOutcome;
      if (outcome === 'ok') groupsLogged.add(group);
      add(undefined, {
        at: r.at,
        kind: 'kafka-consume',
        where: group,
        summary:
          outcome === 'ok'
            ? `${group} read ${what} at offset ${offset}`
            : outcome === 'retried'
              ? `${group} failed on ${what}, batch to be retried: ${errorText(f.error)}`
              : `${group} sent ${what} to its failure queue: ${str(f.reason) ?? ''}`,
        outcome,
        ...ids(eventId, detailType),
        details: { group, partition, offset, function: functionOf(r) },
      });
      continue;
    }

    if (r.message === LOG_LINES.relaying) {
      const entries = Array.isArray(f.entries) ? f.entries.filter((e) => typeof e === 'string') : [];
      // The line's eventId is its first entry's: only then is it the event the relay put.
      const first = entries[0];
      if (first?.startsWith('bus:')) putOnBus(eventId, ms(r.at), 'relay', first.slice(4));
      add(undefined, {
        at: r.at,
        kind: 'outbox-relay',
        where: functionOf(r),
        summary: `relayed the outbox of version ${num(f.version) ?? '?'}: ${entries.join(', ') || 'nothing'}`,
        outcome: 'ok',
        ...ids(eventId),
        details: { version: num(f.version) ?? -1, entries: entries.join(', ') },
      });
      continue;
    }
    if (r.message === LOG_LINES.relayDeadLettered) {
      add(undefined, {
        at: r.at,
        kind: 'dead-letter',
        where: `${functionOf(r)} DLQ`,
        summary: `outbox record dead-lettered by the relay: ${str(f.reason) ?? ''}`,
        outcome: 'dead-lettered',
        details: { reason: str(f.reason) ?? '' },
      });
    }
  }

  // The saga's input carries the OrderPlaced's metadata: its time stands for the put when no
  // consumer line gave the bus's own.
  const history = input.saga?.history ?? [];
  const started = history.find((h) => h.type === 'ExecutionStarted');
  const sagaInput = started?.executionStartedEventDetails?.input;
  if (sagaInput) {
    const metadata = (
      JSON.parse(sagaInput) as {
        metadata?: { eventId?: string; occurredAt?: string; correlationId?: string };
      }
    ).metadata;
    if (metadata?.correlationId) correlationIds.add(metadata.correlationId);
    if (metadata?.eventId && metadata.occurredAt)
      putOnBus(metadata.eventId, ms(metadata.occurredAt), 'occurredAt', 'OrderPlaced');
  }
  for (const [eventId, put] of busPuts) {
    const what = put.detailType ?? detailTypes.get(eventId) ?? 'an event';
    add(undefined, {
      at: iso(Math.min(put.at, put.firstSent ?? put.at)),
      kind: 'bus-put',
      where: bus,
      summary: `${what} put on the bus${put.source === 'relay' ? ' by the outbox relay' : ''}`,
      outcome: 'ok',
      eventId,
      detailType: what,
    });
  }

  hops.push(...sagaHops(input.saga));

  for (const e of input.store ?? []) {
    const outbox = outboxDetailTypes(e.outbox);
    add(undefined, {
      at: e.occurredAt,
      kind: 'store-append',
      where: 'event store',
      summary: `version ${e.version} ${e.type} appended${outbox.length > 0 ? `, outbox: ${outbox.join(', ')}` : ''}`,
      outcome: 'ok',
      eventId: e.eventId,
      detailType: e.type,
      details: { version: e.version, ...(outbox.length > 0 ? { outbox: outbox.join(', ') } : {}) },
    });
  }

  // The audit trail holds each event's partition and offset, whatever the consumers logged.
  const relayTimes = hops.filter((h) => h.kind === 'outbox-relay').map((h) => ms(h.at));
  for (const a of [...(input.audit ?? [])].sort((x, y) => x.partition - y.partition || x.offset - y.offset)) {
    if (kafkaAppended.has(`${a.partition}:${a.offset}`)) continue;
    // Not logged: appended by the first relay run after the event happened.
    const at = relayTimes.find((t) => t >= ms(a.occurredAt)) ?? ms(a.occurredAt);
    add(`kafka:${a.partition}:${a.offset}`, {
      at: iso(at),
      kind: 'kafka-append',
      where: `${topic}[${a.partition}]`,
      summary: `${a.detailType} appended at partition ${a.partition}, offset ${a.offset}`,
      outcome: 'ok',
      eventId: a.eventId,
      detailType: a.detailType,
      details: { partition: a.partition, offset: a.offset, from: 'audit table (time: its relay)' },
    });
  }
  const lastAppend = hops.filter((h) => h.kind === 'kafka-append').at(-1);
  for (const group of input.groupsInStore ?? []) {
    if (groupsLogged.has(group) || !lastAppend) continue;
    add(undefined, {
      at: lastAppend.at,
      kind: 'kafka-consume',
      where: group,
      summary: `${group} has the order in its store (no line logged: time unknown)`,
      outcome: 'ok',
      details: { group, from: 'store' },
    });
  }

  for (const d of input.deadLetters ?? []) {
    const last = lastOutcome.get(d.messageId);
    const route = input.topology.queues.get(d.queue);
    add(undefined, {
      at: last?.at ?? hops.at(-1)?.at ?? new Date().toISOString(),
      kind: 'dead-letter',
      where: `${route?.name ?? d.queue} DLQ`,
      // Timed at the last failure: SQS moves it at the next receive, and says nowhere when.
      summary: `moved to the dead-letter queue after its last failed receive: ${d.reason}`,
      outcome: 'dead-lettered',
      ...(last?.eventId ? { eventId: last.eventId } : {}),
      details: { messageId: d.messageId, reason: d.reason },
    });
  }

  return ordered(input, hops, [...correlationIds]);
}

/** Messages whose last outcome was a retry: the queue may have dead-lettered them since. */
export function unresolvedFailures(logs: readonly LogRecord[]): { queue: string; messageId: string }[] {
  const last = new Map<string, { queue: string; message: string }>();
  for (const r of [...logs].sort((a, b) => ms(a.at) - ms(b.at))) {
    const queue = str(r.fields.queue);
    const messageId = str(r.fields.messageId);
    if (queue && messageId) last.set(messageId, { queue, message: r.message });
  }
  return [...last]
    .filter(([, v]) => v.message === LOG_LINES.retried)
    .map(([messageId, v]) => ({ queue: v.queue, messageId }));
}

/** Saga hops from the execution's history: its start, each task (with attempts) and its end. */
export function sagaHops(saga: TraceInput['saga']): Hop[] {
  if (!saga) return [];
  const hops: Hop[] = [];
  const runs = sagaPath(saga.history);
  const entered = saga.history.filter((h) => h.type === 'TaskStateEntered');
  const exitedAfter = (index: number) =>
    saga.history.find((h) => h.type === 'TaskStateExited' && (h.id ?? 0) > (entered[index]?.id ?? 0));
  const at = (h: HistoryEvent | undefined) =>
    h?.timestamp ? new Date(h.timestamp).toISOString() : undefined;
  const where = 'saga';
  for (const h of saga.history) {
    const time = at(h);
    if (!time) continue;
    if (h.type === 'ExecutionStarted')
      hops.push({
        at: time,
        kind: 'saga-step',
        where,
        summary: 'execution started',
        outcome: 'ok',
        details: { executionArn: saga.executionArn },
      });
    if (h.type === 'ExecutionSucceeded')
      hops.push({ at: time, kind: 'saga-step', where, summary: 'execution succeeded', outcome: 'ok' });
    if (h.type === 'ExecutionFailed' || h.type === 'ExecutionTimedOut' || h.type === 'ExecutionAborted')
      hops.push({
        at: time,
        kind: 'saga-step',
        where,
        summary: `execution ${h.type.replace('Execution', '').toLowerCase()}${h.executionFailedEventDetails?.error ? `: ${h.executionFailedEventDetails.error}` : ''}`,
        outcome: 'failed',
      });
  }
  runs.forEach((run, i) => {
    const start = at(entered[i]);
    if (!start) return;
    const end = at(exitedAfter(i));
    const compensation = run.kind === 'compensation';
    const outcome: HopOutcome = compensation ? 'compensated' : run.outcome === 'OK' ? 'ok' : 'failed';
    hops.push({
      at: start,
      kind: compensation ? 'compensation' : 'saga-step',
      where: `saga/${run.state}`,
      summary: `${run.state}: ${run.outcome}${run.attempts > 1 ? ` after ${run.attempts} attempts` : ''}`,
      outcome,
      details: {
        attempts: run.attempts,
        result: run.outcome,
        ...(end ? { durationMs: ms(end) - ms(start) } : {}),
      },
    });
  });
  return hops;
}

function ordered(input: TraceInput, hops: readonly Hop[], correlationIds: string[]): OrderTrace {
  const sorted = hops
    .map((h, i) => ({ h, i }))
    .sort((a, b) => ms(a.h.at) - ms(b.h.at) || FLOW.indexOf(a.h.kind) - FLOW.indexOf(b.h.kind) || a.i - b.i)
    .map(({ h }) => h);
  const withLatency: TraceHop[] = sorted.map((h, i) => {
    const before = sorted[i - 1];
    return before ? { ...h, latencyMs: ms(h.at) - ms(before.at) } : h;
  });
  const first = sorted[0];
  const last = sorted.at(-1);
  return {
    id: input.id,
    orderId: input.orderId,
    correlationIds,
    hops: withLatency,
    totalMs: first && last ? ms(last.at) - ms(first.at) : 0,
    source: input.source,
  };
}
