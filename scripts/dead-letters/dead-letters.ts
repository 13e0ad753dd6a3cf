import { type CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { FAILURE_REASON_ATTRIBUTE } from '../../lambdas/shared/dead-letter.js';
import { readTemplates, type StackTemplate } from '../shared/cdk-out.js';
import { CDK_OUT } from '../shared/paths.js';

export type { StackTemplate, TemplateResource } from '../shared/cdk-out.js';

import { qualifiedName, resourceName } from '../shared/resource-names.js';
import { isMissingStack } from '../shared/stack-outputs.js';

/**
 * Finds every dead-letter queue of the deployed app and what feeds it, and reads them without
 * taking anything: depth, age of the oldest message, a sample of messages.
 */

/** The stacks of the app, in the order `npm run dlq -- list` prints them. */
export const APP_STACKS = ['OrderEvents', 'OrderNotifications', 'OrderFulfilment'] as const;

/**
 * Message attributes a consumer adds when it dead-letters a poison record
 * (lambdas/shared/dead-letter.ts); a redrive drops them so the record starts afresh.
 */
export const DEAD_LETTER_ATTRIBUTES: readonly string[] = [
  FAILURE_REASON_ATTRIBUTE,
  'sourceQueueArn',
  'originalMessageId',
];

/**
 * What dead-letters into a queue:
 * - `queue`: another SQS queue, through its RedrivePolicy (after maxReceiveCount receives), or
 *   its consumer, for a record that can never succeed;
 * - `sns-delivery`: SNS, for messages it could not deliver to a subscription;
 * - `eventbridge-target`: EventBridge, for events it could not deliver to a rule's target.
 * - `stream-relay`: a DynamoDB-stream event source mapping's on-failure destination (where a
 *   batch's stream position goes after its retries), which the function itself also uses for
 *   records it can never relay (the outbox relay).
 */
export type DeadLetterKind = 'queue' | 'sns-delivery' | 'eventbridge-target' | 'stream-relay';

export const KIND_LABELS: Readonly<Record<DeadLetterKind, string>> = {
  queue: 'queue DLQ',
  'sns-delivery': 'SNS delivery DLQ',
  'eventbridge-target': 'EventBridge target DLQ',
  'stream-relay': 'stream relay DLQ',
};

export interface QueueRef {
  readonly url: string;
  readonly arn: string;
}

/** A function on a DynamoDB table's stream, and the table. */
export interface StreamRelay {
  readonly functionName: string;
  readonly tableName: string;
}

export interface DeadLetterQueue {
  /** The meaningful part of the construct path, e.g. `OrderNotifications/EmailQueue`. */
  readonly name: string;
  /** What a user types: stack and queue short names, e.g. `notifications/email`, `events/analytics`. */
  readonly shortName: string;
  /** Full construct path (or `stack/logicalId` when the template has no path metadata). */
  readonly path: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly url: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly kind: DeadLetterKind;
  /** `queue`: the queues whose RedrivePolicy names this one (normally exactly one). */
  readonly sourceQueues: readonly QueueRef[];
  /** `sns-delivery`: the topics whose subscriptions dead-letter here. */
  readonly topicArns: readonly string[];
  /** `eventbridge-target`: the buses of the rules whose targets dead-letter here. */
  readonly busNames: readonly string[];
  /** `stream-relay`: the stream functions whose event source fails over to here. */
  readonly streamRelays: readonly StreamRelay[];
  /** Construct paths of the subscriptions or rules that dead-letter here. */
  readonly usedBy: readonly string[];
}

export type CloudFormationLike = Pick<CloudFormationClient, 'send'>;
export type SqsLike = Pick<SQSClient, 'send'>;

// ---------------------------------------------------------------------------------------------
// Synthesized templates

export interface ResourceKey {
  readonly stackName: string;
  readonly logicalId: string;
}

const keyOf = (k: ResourceKey) => `${k.stackName}/${k.logicalId}`;

/** Follows `Ref`, `Fn::GetAtt` and `Fn::ImportValue` (of another stack's export) to a resource. */
export function referenceResolver(templates: readonly StackTemplate[]) {
  const exports = new Map<string, ResourceKey>();
  for (const t of templates) {
    for (const output of Object.values(t.outputs)) {
      const name = output.Export?.Name;
      const target = typeof name === 'string' ? direct(t.stackName, output.Value) : undefined;
      if (typeof name === 'string' && target) exports.set(name, target);
    }
  }
  function direct(stackName: string, value: unknown): ResourceKey | undefined {
    if (value === null || typeof value !== 'object') return undefined;
    const record = value as Record<string, unknown>;
    if (typeof record.Ref === 'string') return { stackName, logicalId: record.Ref };
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return { stackName, logicalId: getAtt[0] };
    return undefined;
  }
  return (stackName: string, value: unknown): ResourceKey | undefined => {
    const found = direct(stackName, value);
    if (found) return found;
    const imported = (value as Record<string, unknown> | null)?.['Fn::ImportValue'];
    return typeof imported === 'string' ? exports.get(imported) : undefined;
  };
}

// ---------------------------------------------------------------------------------------------
// Discovery

export interface DiscoverOptions {
  /** @default APP_STACKS */
  readonly stacks?: readonly string[];
  /** @default the templates of cdk.out */
  readonly templates?: () => readonly StackTemplate[];
  /** Told about stacks that are not deployed (they are skipped). */
  readonly onWarning?: (message: string) => void;
}

interface DeployedQueue extends QueueRef {
  readonly stackName: string;
  readonly logicalId: string;
  readonly fifo: boolean;
  readonly deadLetterTargetArn?: string;
}

/**
 * Every dead-letter queue of the deployed stacks: queue DLQs from the deployed queues'
 * RedrivePolicy, and the others from the synthesized templates (an SNS subscription's
 * RedrivePolicy, an EventBridge rule target's DeadLetterConfig).
 */
export async function discoverDeadLetterQueues(
  clients: { cfn: CloudFormationLike; sqs: SqsLike },
  options: DiscoverOptions = {},
): Promise<DeadLetterQueue[]> {
  const stacks = options.stacks ?? APP_STACKS;
  const physicalIds = new Map<string, string>();
  const queues: DeployedQueue[] = [];
  const missing: string[] = [];

  for (const stackName of stacks) {
    let resources: Awaited<ReturnType<typeof describe>>;
    try {
      resources = await describe(clients.cfn, stackName);
    } catch (error) {
      if (isMissingStack(error)) {
        missing.push(stackName);
        continue;
      }
      throw error;
    }
    for (const r of resources) {
      if (r.LogicalResourceId && r.PhysicalResourceId)
        physicalIds.set(keyOf({ stackName, logicalId: r.LogicalResourceId }), r.PhysicalResourceId);
    }
    const stackQueues = await Promise.all(
      resources
        .filter((r) => r.ResourceType === 'AWS::SQS::Queue' && r.PhysicalResourceId)
        .map(async (r) => {
          const url = r.PhysicalResourceId ?? '';
          const attributes = await clients.sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: url,
              AttributeNames: ['QueueArn', 'RedrivePolicy', 'FifoQueue'],
            }),
          );
          const arn = attributes.Attributes?.QueueArn ?? arnFromUrl(url);
          const redrive = attributes.Attributes?.RedrivePolicy;
          return {
            stackName,
            logicalId: r.LogicalResourceId ?? '',
            url,
            arn,
            fifo: attributes.Attributes?.FifoQueue === 'true' || url.endsWith('.fifo'),
            deadLetterTargetArn: redrive ? parseRedrivePolicy(redrive) : undefined,
          };
        }),
    );
    queues.push(...stackQueues);
  }
  if (missing.length > 0) {
    if (missing.length === stacks.length) {
      throw new Error(
        `none of the stacks ${stacks.join(', ')} is deployed at this endpoint; deploy the app first.`,
      );
    }
    options.onWarning?.(`not deployed, skipped: ${missing.join(', ')}`);
  }

  const byArn = new Map(queues.map((q) => [q.arn, q]));
  const byKey = new Map(queues.map((q) => [keyOf(q), q]));
  const sources = new Map<string, QueueRef[]>();
  for (const q of queues) {
    if (!q.deadLetterTargetArn) continue;
    sources.set(q.deadLetterTargetArn, [...(sources.get(q.deadLetterTargetArn) ?? []), q]);
  }

  const templates = (
    options.templates ??
    (() => readTemplates(CDK_OUT, 'the dead-letter queues are classified from the synthesized templates'))
  )().filter((t) => stacks.includes(t.stackName));
  const resolve = referenceResolver(templates);
  const paths = new Map<string, string>();
  const sns = new Map<string, { topics: Set<string>; usedBy: string[] }>();
  const rules = new Map<string, { buses: Set<string>; usedBy: string[] }>();
  const relays = new Map<string, { relays: StreamRelay[]; usedBy: string[] }>();

  /** The deployed queue a template value points at: a reference, or a literal URL or ARN. */
  const queueFor = (stackName: string, value: unknown): DeployedQueue | undefined => {
    if (typeof value === 'string') return byArn.get(value) ?? queues.find((q) => q.url === value);
    const ref = resolve(stackName, value);
    return ref ? byKey.get(keyOf(ref)) : undefined;
  };
  const physicalIdFor = (stackName: string, value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    const ref = resolve(stackName, value);
    return ref ? physicalIds.get(keyOf(ref)) : undefined;
  };

  for (const t of templates) {
    for (const [logicalId, resource] of Object.entries(t.resources)) {
      const cdkPath = resource.Metadata?.['aws:cdk:path'];
      const where = typeof cdkPath === 'string' ? cdkPath : `${t.stackName}/${logicalId}`;
      if (typeof cdkPath === 'string') paths.set(keyOf({ stackName: t.stackName, logicalId }), cdkPath);
      const props = resource.Properties ?? {};

      if (resource.Type === 'AWS::SNS::Subscription') {
        const policy = props.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
        const dlq = policy ? queueFor(t.stackName, policy.deadLetterTargetArn) : undefined;
        if (!dlq) continue;
        const entry = sns.get(dlq.arn) ?? { topics: new Set<string>(), usedBy: [] };
        const topic = physicalIdFor(t.stackName, props.TopicArn);
        if (topic) entry.topics.add(topic);
        entry.usedBy.push(stripResource(where));
        sns.set(dlq.arn, entry);
      }

      if (resource.Type === 'AWS::Lambda::EventSourceMapping') {
        const onFailure = (props.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)
          ?.OnFailure;
        const dlq = onFailure ? queueFor(t.stackName, onFailure.Destination) : undefined;
        // A stream's ARN is the table's StreamArn attribute: the reference names the table.
        const table = resolve(t.stackName, props.EventSourceArn);
        const tableName = table ? physicalIds.get(keyOf(table)) : undefined;
        const functionName = physicalIdFor(t.stackName, props.FunctionName);
        if (!dlq || !tableName || !functionName) continue;
        const entry = relays.get(dlq.arn) ?? { relays: [], usedBy: [] };
        entry.relays.push({ functionName, tableName });
        entry.usedBy.push(stripResource(where));
        relays.set(dlq.arn, entry);
      }

      if (resource.Type === 'AWS::Events::Rule') {
        const targets = Array.isArray(props.Targets) ? (props.Targets as Record<string, unknown>[]) : [];
        for (const target of targets) {
          const config = target.DeadLetterConfig as { Arn?: unknown } | undefined;
          const dlq = config ? queueFor(t.stackName, config.Arn) : undefined;
          if (!dlq) continue;
          const entry = rules.get(dlq.arn) ?? { buses: new Set<string>(), usedBy: [] };
          entry.buses.add(busName(physicalIdFor(t.stackName, props.EventBusName) ?? 'default'));
          entry.usedBy.push(stripResource(where));
          rules.set(dlq.arn, entry);
        }
      }
    }
  }

  const found: Omit<DeadLetterQueue, 'name' | 'shortName'>[] = [];
  for (const q of queues) {
    const queueSources = sources.get(q.arn);
    const snsUse = sns.get(q.arn);
    const ruleUse = rules.get(q.arn);
    const relayUse = relays.get(q.arn);
    const kind: DeadLetterKind | undefined = queueSources
      ? 'queue'
      : ruleUse
        ? 'eventbridge-target'
        : snsUse
          ? 'sns-delivery'
          : relayUse
            ? 'stream-relay'
            : undefined;
    if (!kind) continue;
    found.push({
      path: paths.get(keyOf(q)) ?? `${q.stackName}/${q.logicalId}`,
      stackName: q.stackName,
      logicalId: q.logicalId,
      url: q.url,
      arn: q.arn,
      fifo: q.fifo,
      kind,
      sourceQueues: (queueSources ?? []).map(({ url, arn }) => ({ url, arn })),
      topicArns: [...(snsUse?.topics ?? [])],
      busNames: [...(ruleUse?.buses ?? [])],
      streamRelays: [...(relayUse?.relays ?? [])],
      usedBy: [...(queueSources ? [] : (ruleUse?.usedBy ?? snsUse?.usedBy ?? relayUse?.usedBy ?? []))],
    });
  }
  const order = (q: DeadLetterQueue) => stacks.indexOf(q.stackName);
  return withNames(found).sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
}

async function describe(cfn: CloudFormationLike, stackName: string) {
  const result = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
  return result.StackResources ?? [];
}

function parseRedrivePolicy(text: string): string | undefined {
  try {
    const policy = JSON.parse(text) as { deadLetterTargetArn?: unknown };
    return typeof policy.deadLetterTargetArn === 'string' ? policy.deadLetterTargetArn : undefined;
  } catch {
    return undefined;
  }
}

/** `https://sqs.us-east-1.amazonaws.com/123456789012/name` → `arn:aws:sqs:us-east-1:123456789012:name`. */
export function arnFromUrl(url: string): string {
  const parsed = new URL(url);
  const [account = '', name = ''] = parsed.pathname.split('/').filter(Boolean);
  const region = /sqs\.([a-z0-9-]+)\./.exec(parsed.hostname)?.[1] ?? 'us-east-1';
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

/** A bus name from a name or an ARN (`arn:aws:events:…:event-bus/orders`). */
function busName(nameOrArn: string): string {
  const index = nameOrArn.indexOf(':event-bus/');
  return index >= 0 ? nameOrArn.slice(index + ':event-bus/'.length) : nameOrArn;
}

const stripResource = (cdkPath: string) => cdkPath.replace(/\/Resource$/, '');

/**
 * A dead-letter queue's name: the resource it serves, e.g.
 * `OrderNotifications/EmailQueue/DeadLetterQueue/Resource` → `OrderNotifications/EmailQueue`,
 * `OrderEvents/Orders/DeadLetterQueue/Resource` → `OrderEvents/Orders`.
 */
export function deadLetterName(cdkPath: string): string {
  const parts = resourceName(cdkPath).split('/');
  if (parts.length > 2 && /DeadLetterQueue$/.test(parts.at(-1) ?? '')) parts.pop();
  return parts.join('/');
}

/** Names and short names; where two queues would share one, the longer form instead. */
function withNames(found: readonly Omit<DeadLetterQueue, 'name' | 'shortName'>[]): DeadLetterQueue[] {
  const names = unshared(
    found.map((q) => deadLetterName(q.path)),
    (i) => stripResource(found[i]?.path ?? ''),
  );
  const shortNames = unshared(names.map(qualifiedName), (i) => names[i] ?? '');
  return found.map((q, i) => ({ name: names[i] ?? q.path, shortName: shortNames[i] ?? q.path, ...q }));
}

/** Each value, or its fallback where several values are equal. */
function unshared(values: readonly string[], fallback: (index: number) => string): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return values.map((v, i) => ((counts.get(v) ?? 0) > 1 ? fallback(i) : v));
}

// ---------------------------------------------------------------------------------------------
// Choosing a queue

/** A queue argument that names no dead-letter queue, or more than one. */
export class QueueChoiceError extends Error {
  override readonly name = 'QueueChoiceError';
}

/**
 * A queue by its short name (`events/analytics`), the queue part of it alone where no other
 * queue shares that (`email`), its name (`OrderNotifications/EmailQueue`), URL, ARN or SQS
 * name, or a part of a name or short name that only one queue has.
 */
export function resolveQueue(queues: readonly DeadLetterQueue[], query: string): DeadLetterQueue {
  const wanted = query.trim().toLowerCase();
  const exact = queues.find(
    (q) =>
      q.shortName === wanted ||
      q.name.toLowerCase() === wanted ||
      q.url === query ||
      q.arn === query ||
      q.url.split('/').pop() === query,
  );
  if (exact) return exact;
  const choose = (candidates: readonly DeadLetterQueue[], verb: string) => {
    if (candidates.length === 1 && candidates[0]) return candidates[0];
    if (candidates.length === 0) return undefined;
    throw new QueueChoiceError(
      `'${query}' ${verb} ${candidates.length} dead-letter queues; name one of them:\n${queueList(candidates)}`,
    );
  };
  const found =
    choose(
      queues.filter((q) => q.shortName.split('/').pop() === wanted),
      'names',
    ) ??
    choose(
      queues.filter((q) => q.name.toLowerCase().includes(wanted) || q.shortName.includes(wanted)),
      'matches',
    );
  if (found) return found;
  throw new QueueChoiceError(
    `no dead-letter queue matches '${query}'. Valid names (a unique part of one is enough):\n${queueList(queues)}`,
  );
}

/** One line per queue: the short name to type, then the queue's name. */
function queueList(queues: readonly DeadLetterQueue[]): string {
  const width = Math.max(...queues.map((q) => q.shortName.length));
  return queues.map((q) => `  ${q.shortName.padEnd(width)}  ${q.name}`.trimEnd()).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Reading a queue without taking anything

export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
}

export async function queueDepth(sqs: SqsLike, url: string): Promise<QueueDepth> {
  const result = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(result.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(result.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/**
 * Up to `max` messages, oldest first, without taking them (each peek still counts as a receive).
 * Up to 10 are received with visibility timeout 0, so they never leave the queue; more are paged
 * through with a short visibility timeout and made visible again at once. A sample: SQS may not
 * return every message (and a FIFO queue hides the rest of a group while one is received).
 */
export async function peekMessages(sqs: SqsLike, url: string, max = 10): Promise<Message[]> {
  const seen = new Map<string, Message>();
  const paging = max > 10;
  const attempts = Math.ceil(max / 10) + 2;
  try {
    for (let i = 0; i < attempts && seen.size < max; i++) {
      const result = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: Math.min(10, max - seen.size),
          VisibilityTimeout: paging ? PAGING_VISIBILITY_SECONDS : 0,
          WaitTimeSeconds: i === 0 ? 1 : 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const before = seen.size;
      for (const m of result.Messages ?? []) if (m.MessageId && seen.size < max) seen.set(m.MessageId, m);
      if (seen.size === before && (i > 0 || paging)) break;
    }
  } finally {
    if (paging) await makeVisible(sqs, url, [...seen.values()]);
  }
  return [...seen.values()].sort((a, b) => sentAt(a) - sentAt(b));
}

/** How long a paged peek hides messages at most, should it fail to make them visible again. */
const PAGING_VISIBILITY_SECONDS = 20;

async function makeVisible(sqs: SqsLike, url: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    await sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: chunk.map((m, j) => ({
            Id: String(j),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      )
      .catch(() => undefined); // They reappear after the timeout anyway.
  }
}

export interface DeadLetterStatus {
  readonly queue: DeadLetterQueue;
  readonly depth: QueueDepth;
  /** Age of the oldest message among those peeked; undefined when none could be read. */
  readonly oldestAgeMs?: number;
}

/** Depth, and the age of the oldest of up to 10 peeked messages. */
export async function inspectDeadLetterQueue(
  sqs: SqsLike,
  queue: DeadLetterQueue,
  now = Date.now(),
): Promise<DeadLetterStatus> {
  const depth = await queueDepth(sqs, queue.url);
  if (depth.visible === 0) return { queue, depth };
  const sample = await peekMessages(sqs, queue.url, 10);
  const oldest = Math.min(...sample.map(sentAt).filter((t) => t > 0));
  return Number.isFinite(oldest)
    ? { queue, depth, oldestAgeMs: Math.max(0, now - oldest) }
    : { queue, depth };
}

export function sentAt(message: Message): number {
  return Number(message.Attributes?.SentTimestamp ?? 0);
}

/** Why a message was dead-lettered, as far as it says. */
export function failureReasonOf(message: Message): string {
  const attributes = message.MessageAttributes ?? {};
  const reason = attributes[FAILURE_REASON_ATTRIBUTE]?.StringValue;
  if (reason) return reason;
  // EventBridge adds these to the events it dead-letters.
  const code = attributes.ERROR_CODE?.StringValue;
  const text = attributes.ERROR_MESSAGE?.StringValue;
  if (code || text) return `EventBridge: ${[code, text].filter(Boolean).join(': ')}`;
  return 'retries exhausted';
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** `42s`, `12m 5s`, `3h 4m`, `2d 5h`. */
export function formatAge(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** One line, at most `max` characters. */
export function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Where a dead-letter queue's messages go back to, in words. */
export function redriveTarget(queue: DeadLetterQueue): string {
  const last = (s: string, sep: string) => s.split(sep).pop() ?? s;
  if (queue.kind === 'queue') return queue.sourceQueues.map((q) => `queue ${last(q.url, '/')}`).join(', ');
  if (queue.kind === 'sns-delivery') return queue.topicArns.map((t) => `topic ${last(t, ':')}`).join(', ');
  if (queue.kind === 'stream-relay')
    return queue.streamRelays.map((r) => `function ${r.functionName} (records of ${r.tableName})`).join(', ');
  return queue.busNames.map((b) => `bus ${b}`).join(', ');
}
