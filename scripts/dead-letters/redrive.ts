import { randomUUID } from 'node:crypto';
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import {
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  type SNSClient,
  type MessageAttributeValue as SnsAttributeValue,
} from '@aws-sdk/client-sns';
import {
  CancelMessageMoveTaskCommand,
  DeleteMessageBatchCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import {
  DEAD_LETTER_ATTRIBUTES,
  type DeadLetterQueue,
  type QueueDepth,
  type QueueRef,
  queueDepth,
  type SqsLike,
} from './dead-letters.js';
import { type StreamRelayClients, toStreamRelay } from './stream-relay.js';

/**
 * Moves dead-lettered messages back to where they failed: a queue DLQ to its source queue
 * (SQS StartMessageMoveTask where the endpoint has it, else a rate-limited mover), an
 * EventBridge target DLQ back onto its bus, an SNS delivery DLQ back to its topic.
 *
 * Every mover copies first and deletes from the DLQ only what the destination acknowledged:
 * an interruption can duplicate a message (consumers are idempotent), never lose one.
 */

export const DEFAULT_RATE = 10;
/** StartMessageMoveTask's MaxNumberOfMessagesPerSecond range is 1-500; the mover uses the same. */
export const MAX_RATE = 500;
/** Long enough to copy and delete a batch; a message whose copy failed stays hidden this long. */
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 60;

export type EventBridgeLike = Pick<EventBridgeClient, 'send'>;
export type SnsLike = Pick<SNSClient, 'send'>;

export interface MoveProgress {
  readonly moved: number;
  readonly failed: number;
  /** How many the run set out to move (the DLQ's depth when it started). */
  readonly total: number;
}

export interface PacingOptions {
  /**
   * Messages per second, 1-500.
   * @default 10
   */
  readonly rate?: number;
  /** Stop between batches when aborted (Ctrl-C); what was copied is deleted first. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: MoveProgress) => void;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface MoveOptions extends PacingOptions {
  /**
   * Stop after this many messages.
   * @default the DLQ's depth (visible + in flight) when the run starts, so that messages which
   * fail again and come back during the run are not moved round in circles
   */
  readonly limit?: number;
  /** @default 60 */
  readonly visibilityTimeoutSeconds?: number;
}

export interface Failure {
  readonly messageId: string;
  readonly reason: string;
}

export interface MoveResult {
  /** Copied to the destination and deleted from the DLQ. */
  readonly moved: number;
  /** Not copied: still in the DLQ (hidden for the visibility timeout). */
  readonly failed: number;
  /** FIFO: not sent because an earlier message of its group failed; still in the DLQ. */
  readonly heldBack: number;
  /** Copied, but the delete from the DLQ failed: the next redrive sends them again. */
  readonly notDeleted: number;
  /** In the DLQ when the run ended (visible + in flight; approximate on AWS). */
  readonly left: number;
  readonly failures: readonly Failure[];
  /** True when the run stopped because it was aborted. */
  readonly interrupted: boolean;
}

/** What a destination did with a batch: which messages it acknowledged. */
export interface Delivery {
  readonly delivered: readonly Message[];
  readonly failed: readonly { readonly message: Message; readonly reason: string }[];
  /** Received but deliberately not sent (FIFO order): left in the DLQ. */
  readonly heldBack?: readonly Message[];
}

/** Sends a batch (up to 10) to a destination. */
export type Deliver = (messages: readonly Message[]) => Promise<Delivery>;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A rate in messages per second, or an error in the user's words. */
export function checkRate(rate: number): number {
  if (!Number.isInteger(rate) || rate < 1 || rate > MAX_RATE) {
    throw new Error(
      `the rate must be a whole number of messages per second from 1 to ${MAX_RATE}, got ${rate}.`,
    );
  }
  return rate;
}

/**
 * The shared loop: receive up to 10 (never more than `rate`), deliver, delete from the DLQ only
 * what the destination acknowledged, pace to `rate` messages per second, stop when the DLQ
 * reads empty (or holds only messages that already failed in this run), at `limit`, or when
 * aborted.
 */
export async function transfer(sqs: SqsLike, from: string, deliver: Deliver, options: MoveOptions = {}) {
  const rate = checkRate(options.rate ?? DEFAULT_RATE);
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const visibility = options.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
  const start = await queueDepth(sqs, from);
  const limit = options.limit ?? start.visible + start.inFlight;
  const batchSize = Math.min(10, rate);
  const failures: Failure[] = [];
  // Messages this run already dealt with: a failed or held-back one reappears after its
  // visibility timeout, a copied one whose delete failed too; none is sent twice by one run.
  const seen = new Set<string>();
  let moved = 0;
  let heldBack = 0;
  let notDeleted = 0;
  let paidUntil = now();
  let empty = 0;
  let stale = 0;
  const handled = () => moved + failures.length + heldBack;

  while (handled() < limit && !options.signal?.aborted) {
    const wait = paidUntil - now();
    if (wait > 0) await sleep(wait);
    if (options.signal?.aborted) break;
    const batchStart = now();
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: from,
        MaxNumberOfMessages: Math.min(batchSize, limit - handled()),
        VisibilityTimeout: visibility,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) {
      // Two empty reads in a row: nothing left that is visible.
      empty += 1;
      if (empty >= 2) break;
      continue;
    }
    empty = 0;
    // Received again, these are hidden for another visibility timeout: leave them be. Only such
    // messages, read after read: what is left failed in this run.
    const batch = messages.filter((m) => !seen.has(m.MessageId ?? ''));
    if (batch.length === 0) {
      stale += 1;
      if (stale >= 5) break;
      continue;
    }
    stale = 0;
    for (const m of batch) seen.add(m.MessageId ?? '');

    let delivery: Delivery;
    try {
      delivery = await deliver(batch);
    } catch (error) {
      delivery = { delivered: [], failed: batch.map((message) => ({ message, reason: errorText(error) })) };
    }
    for (const { message, reason } of delivery.failed) {
      failures.push({ messageId: message.MessageId ?? '(no id)', reason });
    }
    heldBack += delivery.heldBack?.length ?? 0;

    if (delivery.delivered.length > 0) {
      const deleted = await sqs
        .send(
          new DeleteMessageBatchCommand({
            QueueUrl: from,
            Entries: delivery.delivered.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        )
        .then(
          (result) => delivery.delivered.length - (result.Failed?.length ?? 0),
          () => 0,
        );
      moved += delivery.delivered.length;
      notDeleted += delivery.delivered.length - deleted;
    }
    paidUntil = Math.max(paidUntil, batchStart) + (batch.length * 1000) / rate;
    options.onProgress?.({ moved, failed: failures.length, total: limit });
  }

  const end = await queueDepth(sqs, from);
  return {
    moved,
    failed: failures.length,
    heldBack,
    notDeleted,
    left: end.visible + end.inFlight,
    failures,
    interrupted: options.signal?.aborted ?? false,
  } satisfies MoveResult;
}

// ---------------------------------------------------------------------------------------------
// Destinations

/** The message's attributes minus the ones a consumer added when it dead-lettered it. */
export function carriedAttributes(message: Message): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {})
      .filter(([name]) => !DEAD_LETTER_ATTRIBUTES.includes(name))
      .map(([name, value]) => [
        name,
        {
          DataType: value.DataType,
          ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
          ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
        },
      ]),
  );
}

/**
 * FIFO: send in waves, one message per group per wave, so that once a message fails, the
 * later messages of its group stay in the DLQ behind it instead of overtaking it.
 */
async function inWaves(
  messages: readonly Message[],
  groupOf: (m: Message) => string,
  send: (wave: readonly Message[]) => Promise<Delivery>,
): Promise<Delivery> {
  const queues = new Map<string, Message[]>();
  for (const m of messages) queues.set(groupOf(m), [...(queues.get(groupOf(m)) ?? []), m]);
  const delivered: Message[] = [];
  const failed: Delivery['failed'][number][] = [];
  const heldBack: Message[] = [];
  while (queues.size > 0) {
    const wave = [...queues.values()].map((q) => q[0]).filter((m): m is Message => m !== undefined);
    let result: Delivery;
    try {
      result = await send(wave);
    } catch (error) {
      result = { delivered: [], failed: wave.map((message) => ({ message, reason: errorText(error) })) };
    }
    delivered.push(...result.delivered);
    failed.push(...result.failed);
    for (const [group, queue] of queues) {
      queue.shift();
      if (result.failed.some((f) => groupOf(f.message) === group)) {
        heldBack.push(...queue);
        queues.delete(group);
      } else if (queue.length === 0) queues.delete(group);
    }
  }
  return { delivered, failed, heldBack };
}

const groupOf = (m: Message) => m.Attributes?.MessageGroupId ?? 'redrive';

/** Back to an SQS queue: same body and attributes (minus ours); FIFO keeps the group, new dedup id. */
export function toQueue(sqs: SqsLike, url: string, fifo: boolean): Deliver {
  const send = async (messages: readonly Message[]): Promise<Delivery> => {
    const entries: SendMessageBatchRequestEntry[] = messages.map((m, i) => ({
      Id: String(i),
      MessageBody: m.Body ?? '',
      MessageAttributes: carriedAttributes(m),
      ...(fifo ? { MessageGroupId: groupOf(m), MessageDeduplicationId: randomUUID() } : {}),
    }));
    const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    return acknowledged(
      messages,
      (result.Successful ?? []).map((s) => s.Id ?? ''),
      (result.Failed ?? []).map((f) => [f.Id ?? '', `${f.Code ?? 'Failed'}: ${f.Message ?? ''}`]),
    );
  };
  return fifo ? (messages) => inWaves(messages, groupOf, send) : send;
}

/** Delivered = the ids the destination listed as successful; anything not listed failed. */
function acknowledged(
  messages: readonly Message[],
  successIds: readonly string[],
  failedIds: readonly (readonly [string, string])[],
): Delivery {
  const ok = new Set(successIds);
  const reasons = new Map(failedIds);
  const delivered: Message[] = [];
  const failed: { message: Message; reason: string }[] = [];
  messages.forEach((message, i) => {
    if (ok.has(String(i)) && !reasons.has(String(i))) delivered.push(message);
    else failed.push({ message, reason: reasons.get(String(i)) ?? 'not acknowledged by the destination' });
  });
  return { delivered, failed };
}

interface BusEvent {
  readonly source: string;
  readonly 'detail-type': string;
  readonly detail: Record<string, unknown>;
  readonly resources?: unknown;
}

/** The event an EventBridge DLQ message carries as its body, or why it is not one. */
export function eventOf(body: string | undefined): BusEvent | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return 'the body is not JSON, so not an EventBridge event';
  }
  const e = parsed as Partial<BusEvent> | null;
  if (
    e === null ||
    typeof e !== 'object' ||
    typeof e.source !== 'string' ||
    typeof e['detail-type'] !== 'string' ||
    e.detail === null ||
    typeof e.detail !== 'object'
  ) {
    return 'the body is not an EventBridge event (it needs source, detail-type and an object detail)';
  }
  return e as BusEvent;
}

/** The bus of the rule that dead-lettered an event: EventBridge's RULE_ARN attribute says it. */
export function busFromRuleArn(message: Message): string | undefined {
  const ruleArn = message.MessageAttributes?.RULE_ARN?.StringValue;
  const resource = ruleArn?.split(':rule/')[1];
  if (!resource) return undefined;
  const parts = resource.split('/');
  return parts.length > 1 ? parts[0] : 'default';
}

const PUT_EVENTS_MAX_BYTES = 256 * 1024;

/**
 * Back onto the bus with PutEvents (Source, DetailType, Detail, Resources): to the bus named by
 * the message's RULE_ARN attribute, else `defaultBus`. Every rule on that bus sees it again.
 */
export function toBus(eventBridge: EventBridgeLike, defaultBus: string, override?: string): Deliver {
  return async (messages) => {
    const failed: { message: Message; reason: string }[] = [];
    const ready: { message: Message; entry: PutEventsRequestEntry; size: number }[] = [];
    for (const message of messages) {
      const event = eventOf(message.Body);
      if (typeof event === 'string') {
        failed.push({ message, reason: event });
        continue;
      }
      const resources = Array.isArray(event.resources)
        ? event.resources.filter((r): r is string => typeof r === 'string')
        : [];
      const entry: PutEventsRequestEntry = {
        EventBusName: override ?? busFromRuleArn(message) ?? defaultBus,
        Source: event.source,
        DetailType: event['detail-type'],
        Detail: JSON.stringify(event.detail),
        ...(resources.length > 0 ? { Resources: resources } : {}),
      };
      const size = Buffer.byteLength(
        `${entry.Source}${entry.DetailType}${entry.Detail}${resources.join('')}`,
        'utf8',
      );
      ready.push({ message, entry, size });
    }
    const delivered: Message[] = [];
    // PutEvents takes at most 10 entries and 256 KB per call.
    let chunk: typeof ready = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const sent = chunk;
      chunk = [];
      bytes = 0;
      try {
        const result = await eventBridge.send(new PutEventsCommand({ Entries: sent.map((r) => r.entry) }));
        sent.forEach(({ message }, i) => {
          const answer = result.Entries?.[i];
          if (answer?.EventId && !answer.ErrorCode) delivered.push(message);
          else
            failed.push({
              message,
              reason: answer?.ErrorCode
                ? `${answer.ErrorCode}: ${answer.ErrorMessage ?? ''}`
                : 'not acknowledged by PutEvents',
            });
        });
      } catch (error) {
        for (const { message } of sent) failed.push({ message, reason: errorText(error) });
      }
    };
    for (const r of ready) {
      if (chunk.length === 10 || (chunk.length > 0 && bytes + r.size > PUT_EVENTS_MAX_BYTES)) await flush();
      chunk.push(r);
      bytes += r.size;
    }
    await flush();
    return { delivered, failed };
  };
}

/**
 * Back to an SNS topic with PublishBatch: the raw message (or the `Message` of an SNS JSON
 * envelope) and its attributes; FIFO topics keep the group and get a new dedup id. Every
 * subscription of the topic sees it again (its filter policy applies).
 */
export function toTopic(sns: SnsLike, topicArns: readonly string[], fifo: boolean): Deliver {
  const send = async (messages: readonly Message[]): Promise<Delivery> => {
    const failed: { message: Message; reason: string }[] = [];
    const byTopic = new Map<string, { message: Message; entry: PublishBatchRequestEntry }[]>();
    for (const message of messages) {
      const envelope = snsEnvelopeOf(message.Body);
      const topic = envelope?.TopicArn ?? (topicArns.length === 1 ? topicArns[0] : undefined);
      if (!topic) {
        failed.push({
          message,
          reason: `several topics dead-letter into this queue (${topicArns.join(', ')}) and the message does not say which`,
        });
        continue;
      }
      const entry: PublishBatchRequestEntry = {
        Id: '',
        Message: envelope?.Message ?? message.Body ?? '',
        MessageAttributes: envelope?.MessageAttributes ?? snsAttributes(carriedAttributes(message)),
        ...(fifo ? { MessageGroupId: groupOf(message), MessageDeduplicationId: randomUUID() } : {}),
      };
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), { message, entry }]);
    }
    const delivered: Message[] = [];
    for (const [topic, items] of byTopic) {
      try {
        const result = await sns.send(
          new PublishBatchCommand({
            TopicArn: topic,
            PublishBatchRequestEntries: items.map((x, i) => ({ ...x.entry, Id: String(i) })),
          }),
        );
        const answer = acknowledged(
          items.map((x) => x.message),
          (result.Successful ?? []).map((s) => s.Id ?? ''),
          (result.Failed ?? []).map((f) => [f.Id ?? '', `${f.Code ?? 'Failed'}: ${f.Message ?? ''}`]),
        );
        delivered.push(...answer.delivered);
        failed.push(...answer.failed);
      } catch (error) {
        for (const { message } of items) failed.push({ message, reason: errorText(error) });
      }
    }
    return { delivered, failed };
  };
  return fifo ? (messages) => inWaves(messages, groupOf, send) : send;
}

interface SnsEnvelope {
  readonly TopicArn: string;
  readonly Message: string;
  readonly MessageAttributes?: Record<string, SnsAttributeValue>;
}

/** An SNS notification envelope (subscriptions without raw message delivery), if the body is one. */
function snsEnvelopeOf(body: string | undefined): SnsEnvelope | undefined {
  try {
    const parsed = JSON.parse(body ?? '') as Record<string, unknown>;
    if (parsed?.Type !== 'Notification' || typeof parsed.TopicArn !== 'string') return undefined;
    if (typeof parsed.Message !== 'string') return undefined;
    const attributes = parsed.MessageAttributes as
      | Record<string, { Type?: string; Value?: string }>
      | undefined;
    return {
      TopicArn: parsed.TopicArn,
      Message: parsed.Message,
      ...(attributes
        ? {
            MessageAttributes: Object.fromEntries(
              Object.entries(attributes).map(([k, v]) => [k, { DataType: v.Type, StringValue: v.Value }]),
            ),
          }
        : {}),
    };
  } catch {
    return undefined;
  }
}

function snsAttributes(attributes: Record<string, MessageAttributeValue>): Record<string, SnsAttributeValue> {
  return Object.fromEntries(
    Object.entries(attributes).map(([k, v]) => [
      k,
      { DataType: v.DataType, StringValue: v.StringValue, BinaryValue: v.BinaryValue },
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// SQS message move tasks

/** The endpoint does not know the action at all (the local emulator), as opposed to refusing it. */
export function isUnsupportedAction(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { Code?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.Code ?? e.name;
  return (
    ['InvalidAction', 'UnknownOperationException', 'UnknownOperation', 'NotImplemented'].includes(code) ||
    e.$metadata?.httpStatusCode === 501 ||
    /is not valid for this endpoint|not implemented|unknown operation|not supported by this/i.test(e.message)
  );
}

/** Is StartMessageMoveTask available? Asked with the read-only ListMessageMoveTasks. */
export async function messageMoveTasksSupported(sqs: SqsLike, dlqArn: string): Promise<boolean> {
  try {
    await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }));
    return true;
  } catch (error) {
    if (isUnsupportedAction(error)) return false;
    return true; // Some other refusal (permissions, not a DLQ): StartMessageMoveTask will say.
  }
}

export interface MoveTaskResult {
  readonly status: string;
  readonly moved: number;
  readonly toMove?: number;
  readonly failureReason?: string;
}

export interface MoveTaskOptions {
  readonly rate: number;
  readonly destinationArn?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: MoveProgress) => void;
  /** @default 2000 */
  readonly pollMs?: number;
  /** @default 1 hour */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * Start an SQS message move task and wait for it to end; `undefined` when the endpoint does not
 * have the action. Aborting cancels the task (what it moved stays moved).
 */
export async function runMessageMoveTask(
  sqs: SqsLike,
  dlqArn: string,
  options: MoveTaskOptions,
): Promise<MoveTaskResult | undefined> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  let handle: string | undefined;
  try {
    const started = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: dlqArn,
        ...(options.destinationArn ? { DestinationArn: options.destinationArn } : {}),
        MaxNumberOfMessagesPerSecond: checkRate(options.rate),
      }),
    );
    handle = started.TaskHandle;
  } catch (error) {
    if (isUnsupportedAction(error)) return undefined;
    throw error;
  }
  const deadline = now() + (options.timeoutMs ?? 3_600_000);
  let cancelled = false;
  for (;;) {
    const listed = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
    const task: ListMessageMoveTasksResultEntry | undefined =
      listed.Results?.find((r) => handle !== undefined && r.TaskHandle === handle) ?? listed.Results?.[0];
    if (task) {
      const moved = Number(task.ApproximateNumberOfMessagesMoved ?? 0);
      const toMove = task.ApproximateNumberOfMessagesToMove;
      options.onProgress?.({ moved, failed: 0, total: Number(toMove ?? moved) });
      if (task.Status && task.Status !== 'RUNNING' && task.Status !== 'CANCELLING') {
        return {
          status: task.Status,
          moved,
          ...(toMove !== undefined ? { toMove: Number(toMove) } : {}),
          ...(task.FailureReason ? { failureReason: task.FailureReason } : {}),
        };
      }
    }
    if (options.signal?.aborted && !cancelled && handle) {
      await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: handle }));
      cancelled = true;
    }
    if (now() > deadline) {
      throw new Error(
        `the message move task on ${dlqArn} is still running after ${((options.timeoutMs ?? 3_600_000) / 1000).toFixed(0)} s; ` +
          `it carries on in SQS (task handle ${handle ?? 'unknown'}; CancelMessageMoveTask stops it).`,
      );
    }
    await sleep(options.pollMs ?? 2000);
  }
}

// ---------------------------------------------------------------------------------------------
// Redriving one dead-letter queue

export interface RedriveClients {
  readonly sqs: SqsLike;
  readonly eventBridge?: EventBridgeLike;
  readonly sns?: SnsLike;
  /** Stream relay DLQs: the function, the table and its stream. */
  readonly streamRelay?: StreamRelayClients;
}

export interface RedriveOptions extends MoveOptions {
  /** Report what would move; receive, send and delete nothing. */
  readonly dryRun?: boolean;
  /**
   * Queue DLQs: try SQS StartMessageMoveTask first.
   * @default true
   */
  readonly useMoveTask?: boolean;
  /** EventBridge target DLQs: the bus for messages that do not name theirs (RULE_ARN). */
  readonly defaultBus?: string;
  /** EventBridge target DLQs: put every event on this bus, whatever the message says. */
  readonly bus?: string;
  /** Told once the DLQ is known to hold messages, before anything moves (not for an empty one). */
  readonly onStart?: (waiting: QueueDepth) => void;
  /** Told about choices made on the way (e.g. falling back to the script's mover). */
  readonly onNotice?: (message: string) => void;
  /** Options for the move task's polling. */
  readonly moveTask?: Pick<MoveTaskOptions, 'pollMs' | 'timeoutMs'>;
}

export type RedriveMethod = 'message-move-task' | 'mover';

export interface RedriveReport {
  readonly queue: DeadLetterQueue;
  /** How the messages moved (or would move); undefined when the DLQ was empty. */
  readonly method?: RedriveMethod;
  /** Where the messages go, in words. */
  readonly destination: string;
  readonly dryRun: boolean;
  /** Nothing was visible or in flight: nothing was (or would be) moved, nothing was asked of SQS. */
  readonly empty: boolean;
  /** How many were waiting (visible) and in flight when the redrive started. */
  readonly waiting: QueueDepth;
  readonly result?: MoveResult;
  /** The move task's final status (method message-move-task). */
  readonly taskStatus?: string;
}

/** Where a DLQ's messages go back to, checked before anything is read. */
interface Route {
  readonly destination: string;
  readonly deliver: Deliver;
  /** Queue DLQs: the source queue, for a message move task. */
  readonly source?: QueueRef;
}

function routeOf(clients: RedriveClients, queue: DeadLetterQueue, options: RedriveOptions): Route {
  if (queue.kind === 'queue') {
    const [source, ...others] = queue.sourceQueues;
    if (!source) throw new Error(`${queue.name} is not the dead-letter queue of any queue.`);
    if (others.length > 0) {
      throw new Error(
        `${queue.name} is the dead-letter queue of ${queue.sourceQueues.length} queues; redrive needs exactly one source.`,
      );
    }
    return {
      destination: source.url.split('/').pop() ?? source.url,
      deliver: toQueue(clients.sqs, source.url, queue.fifo),
      source,
    };
  }
  if (queue.kind === 'eventbridge-target') {
    if (!clients.eventBridge) throw new Error('redriving to a bus needs an EventBridge client.');
    // Each event goes back to the bus of the rule that dead-lettered it (RULE_ARN), else to the
    // bus of the rules that use this DLQ, else to the default bus.
    const fallback = (queue.busNames.length === 1 ? queue.busNames[0] : undefined) ?? options.defaultBus;
    if (!fallback && !options.bus) {
      throw new Error(
        `no bus is known for ${queue.name} (its rules use ${queue.busNames.length}); pass one.`,
      );
    }
    return {
      destination: options.bus ? `bus ${options.bus}` : `bus ${fallback} (or the bus its rule names)`,
      deliver: toBus(clients.eventBridge, fallback ?? '', options.bus),
    };
  }
  if (queue.kind === 'stream-relay') {
    const [relay, ...others] = queue.streamRelays;
    if (!relay) throw new Error(`no stream function is known to dead-letter into ${queue.name}.`);
    if (others.length > 0)
      throw new Error(
        `${queue.name} serves ${queue.streamRelays.length} stream functions; redrive needs one.`,
      );
    if (!clients.streamRelay)
      throw new Error('redriving through a stream function needs Lambda and DynamoDB clients.');
    return {
      destination: `function ${relay.functionName}`,
      deliver: toStreamRelay(clients.streamRelay, relay),
    };
  }
  if (!clients.sns) throw new Error('redriving to a topic needs an SNS client.');
  if (queue.topicArns.length === 0) throw new Error(`no topic is known to dead-letter into ${queue.name}.`);
  return {
    destination: queue.topicArns.map((t) => `topic ${t.split(':').pop()}`).join(', '),
    deliver: toTopic(clients.sns, queue.topicArns, queue.fifo),
  };
}

/**
 * Redrive one dead-letter queue the way its kind requires. An empty one (nothing visible or in
 * flight) is reported as such at once: no move task is probed or started, nothing is received.
 */
export async function redrive(
  clients: RedriveClients,
  queue: DeadLetterQueue,
  options: RedriveOptions = {},
): Promise<RedriveReport> {
  const rate = checkRate(options.rate ?? DEFAULT_RATE);
  const route = routeOf(clients, queue, options);
  const waiting = await queueDepth(clients.sqs, queue.url);
  const base = { queue, destination: route.destination, dryRun: options.dryRun ?? false, waiting };
  if (waiting.visible + waiting.inFlight === 0) return { ...base, empty: true };
  options.onStart?.(waiting);
  const ready = { ...base, empty: false };
  if (route.source && (options.useMoveTask ?? true)) {
    const task = await moveTaskRedrive(clients.sqs, queue, route.source, ready, { ...options, rate });
    if (task) return task;
  }
  if (options.dryRun) return { ...ready, method: 'mover' };
  return {
    ...ready,
    method: 'mover',
    result: await transfer(clients.sqs, queue.url, route.deliver, { ...options, rate }),
  };
}

/**
 * A queue DLQ through an SQS message move task; undefined where the endpoint has none (the
 * caller then uses the mover).
 */
async function moveTaskRedrive(
  sqs: SqsLike,
  queue: DeadLetterQueue,
  source: QueueRef,
  ready: Omit<RedriveReport, 'method'>,
  options: RedriveOptions & { rate: number },
): Promise<RedriveReport | undefined> {
  if (options.dryRun) {
    return (await messageMoveTasksSupported(sqs, queue.arn))
      ? { ...ready, method: 'message-move-task' }
      : undefined;
  }
  const task = await runMessageMoveTask(sqs, queue.arn, {
    rate: options.rate,
    destinationArn: source.arn,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...options.moveTask,
  });
  if (!task) {
    options.onNotice?.(
      `StartMessageMoveTask is not available at this endpoint; moving with the script's mover at ${options.rate}/s.`,
    );
    return undefined;
  }
  if (task.status === 'FAILED') {
    throw new Error(
      `the message move task from ${queue.name} failed after moving ${task.moved} of ${ready.waiting.visible}: ${task.failureReason ?? 'no reason given'}`,
    );
  }
  const after = await queueDepth(sqs, queue.url);
  return {
    ...ready,
    method: 'message-move-task',
    taskStatus: task.status,
    result: {
      moved: task.moved,
      failed: 0,
      heldBack: 0,
      notDeleted: 0,
      left: after.visible + after.inFlight,
      failures: [],
      interrupted: task.status === 'CANCELLED',
    },
  };
}
