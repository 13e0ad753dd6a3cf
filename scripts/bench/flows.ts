import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderConfirmed } from '../../contracts/events/order-confirmed.js';
import { orderConfirmed, placeOrder } from '../../contracts/samples.js';
import { benchKeys } from '../../lambdas/bench-recorder/bench-record.js';
import type { BenchVariant } from '../../lib/stacks/bench-stack.js';
import { clientConfig, emulatorEnv } from '../emulator/emulator.js';
import { AppClient, queryAll } from '../shared/app-client.js';
import { progress } from '../shared/progress.js';
import { readOutputs } from '../shared/stack-outputs.js';
import { type Summary, summarize } from '../shared/stats.js';

/** Messages sent one by one at a fixed rate: what latency is measured on. */
export interface PacedResult {
  readonly messages: number;
  readonly intervalMs: number;
  /** Messages whose effect never showed before the deadline. */
  readonly missing: number;
  readonly latencyMs?: Summary;
}

/** Messages sent as fast as the client can: what sustained throughput is measured on. */
export interface BurstResult {
  readonly messages: number;
  readonly missing: number;
  /** From the first publish to the last effect. */
  readonly seconds: number;
  readonly perSecond: number;
  /**
   * From the first publish to the effect of 90% of the messages: far below `seconds` when a
   * few records waited out a visibility timeout (a timed-out invocation) and set the tail.
   */
  readonly secondsTo90Percent?: number;
}

/** Latency of each sent message that had an effect, from its send time. */
export function pacedResult(
  messages: number,
  intervalMs: number,
  sentAt: readonly number[],
  effectAt: readonly (number | undefined)[],
): PacedResult {
  const latencies = effectAt.flatMap((at, i) => (at === undefined ? [] : [at - (sentAt[i] as number)]));
  return {
    messages,
    intervalMs,
    missing: messages - latencies.length,
    ...(latencies.length > 0 ? { latencyMs: summarize(latencies) } : {}),
  };
}

export function burstResult(messages: number, startedAt: number, effectAt: readonly number[]): BurstResult {
  const sorted = [...effectAt].sort((a, b) => a - b);
  const seconds = ((sorted.at(-1) ?? startedAt) - startedAt) / 1000;
  const ninetieth = sorted[Math.ceil(messages * 0.9) - 1];
  return {
    messages,
    missing: messages - sorted.length,
    seconds,
    perSecond: seconds > 0 ? sorted.length / seconds : 0,
    ...(ninetieth === undefined ? {} : { secondsTo90Percent: (ninetieth - startedAt) / 1000 }),
  };
}

/** How the consumer was invoked for a phase's messages. */
export interface Invocations {
  readonly invocations: number;
  readonly records: number;
  readonly perThousandMessages: number;
  /** Handler time per record: the consumer's own cost, without queueing. */
  readonly handlerMsPerRecord: number;
}

export interface ConsumerResult {
  readonly variant: BenchVariant;
  readonly paced: PacedResult;
  readonly burst: BurstResult;
  readonly pacedInvocations?: Invocations;
  readonly burstInvocations?: Invocations;
}

export interface SagaResult {
  readonly paced: PacedResult;
  readonly burst: BurstResult;
  /** Final execution statuses of every measured saga. */
  readonly statuses: Record<string, number>;
}

export interface FlowOptions {
  readonly endpoint: string;
  readonly messages: number;
  readonly sagaMessages: number;
  readonly intervalMs: number;
  readonly sagaIntervalMs: number;
  readonly warmup: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Send `count` messages one at a time, the i-th no earlier than start + i x interval. */
async function pace(
  count: number,
  intervalMs: number,
  send: (i: number) => Promise<void>,
): Promise<number[]> {
  const started = Date.now();
  const sentAt: number[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + i * intervalMs;
    if (due > Date.now()) await sleep(due - Date.now());
    sentAt.push(Date.now());
    await send(i);
  }
  return sentAt;
}

/** Run `work` over chunks of `size`, `parallel` chunks at a time. */
async function inChunks<T>(
  items: readonly T[],
  size: number,
  parallel: number,
  work: (chunk: T[]) => Promise<void>,
): Promise<void> {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++];
      if (chunk) await work(chunk);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, worker));
}

/** Generous: the emulator runs every function as a local process on a shared CPU. */
const deadlineFor = (messages: number) => 60_000 + messages * 500;

/**
 * The flows of the benchmark stack (see lib/stacks/bench-stack.ts): one topic fanning out to
 * three consumers that differ in profile or idempotency, and an EventBridge rule to a fourth.
 */
export class BenchFlows {
  private readonly sns: SNSClient;
  private readonly eventBridge: EventBridgeClient;
  private readonly ddb: DynamoDBDocumentClient;
  private readonly outputs: Record<string, string>;
  /** Order ids of this bench run start with this, so its items are one key range. */
  private readonly run = `bench-${randomUUID().slice(0, 8)}`;
  private sequence = 0;

  constructor(private readonly options: FlowOptions) {
    const outputs = readOutputs().Benchmark;
    if (!outputs) throw new Error('the Benchmark stack is not deployed (deploy with --context bench=true).');
    this.outputs = outputs;
    const config = clientConfig(emulatorEnv(options.endpoint));
    this.sns = new SNSClient(config);
    this.eventBridge = new EventBridgeClient(config);
    this.ddb = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  }

  private output(key: string): string {
    const value = this.outputs[key];
    if (!value) throw new Error(`Benchmark stack output ${key} is missing; redeploy.`);
    return value;
  }

  private events(count: number, phase: string): OrderConfirmed[] {
    return Array.from({ length: count }, () =>
      orderConfirmed({ orderId: `${this.run}-${phase}-${String(this.sequence++).padStart(5, '0')}` }),
    );
  }

  private async publishTopic(events: readonly OrderConfirmed[]): Promise<void> {
    const result = await this.sns.send(
      new PublishBatchCommand({
        TopicArn: this.output('TopicArn'),
        PublishBatchRequestEntries: events.map((e, i) => ({ Id: String(i), Message: JSON.stringify(e) })),
      }),
    );
    if (result.Failed?.length) throw new Error(`SNS PublishBatch failed for ${result.Failed.length} entries`);
  }

  private async putBus(events: readonly OrderConfirmed[]): Promise<void> {
    const result = await this.eventBridge.send(
      new PutEventsCommand({
        Entries: events.map((e) => ({
          EventBusName: this.output('BusName'),
          Source: e.source,
          DetailType: e['detail-type'],
          Detail: JSON.stringify(e.detail),
        })),
      }),
    );
    if (result.FailedEntryCount) throw new Error(`PutEvents rejected ${result.FailedEntryCount} entries`);
  }

  /** Every item of a partition whose sort key lies in [from, to]. */
  private query(pk: string, from: string, to: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.ddb, {
      TableName: this.output('TableName'),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
      ConsistentRead: true,
    });
  }

  /** When each order's effect was recorded by `variant`, for the orders of one phase. */
  private async effects(variant: BenchVariant, phase: string): Promise<Map<string, number>> {
    const prefix = `${this.run}-${phase}-`;
    const items = await this.query(benchKeys.effect(variant), prefix, `${prefix}\uffff`);
    const recorded = new Map<string, number>();
    for (const item of items) {
      const orderId = String(item.orderId);
      const at = Number(item.recordedAt);
      // A redelivery (no idempotency) records again: the first effect is the one that counts.
      recorded.set(orderId, Math.min(at, recorded.get(orderId) ?? at));
    }
    return recorded;
  }

  /** Wait until every variant has an effect for each order, or the deadline passes. */
  private async awaitEffects(
    variants: readonly BenchVariant[],
    phase: string,
    expected: number,
  ): Promise<Map<BenchVariant, Map<string, number>>> {
    const deadline = Date.now() + deadlineFor(expected);
    const seen = new Map<BenchVariant, Map<string, number>>();
    let lastReport = 0;
    while (true) {
      for (const v of variants)
        if ((seen.get(v)?.size ?? 0) < expected) seen.set(v, await this.effects(v, phase));
      const counts = variants.map((v) => seen.get(v)?.size ?? 0);
      if (counts.every((c) => c >= expected)) return seen;
      if (Date.now() > deadline) {
        progress.warn(`${phase}: gave up waiting; effects seen ${counts.join('/')} of ${expected}`);
        return seen;
      }
      if (Date.now() - lastReport > 10_000) {
        progress.info(
          `${phase}: effects ${variants.map((v, i) => `${v} ${counts[i]}`).join(', ')} of ${expected}`,
        );
        lastReport = Date.now();
      }
      await sleep(500);
    }
  }

  private async invocations(
    variant: BenchVariant,
    from: number,
    to: number,
    messages: number,
  ): Promise<Invocations | undefined> {
    const items = await this.query(
      benchKeys.invocation(variant),
      new Date(from).toISOString(),
      `${new Date(to).toISOString()}\uffff`,
    );
    if (items.length === 0) return undefined;
    const records = items.reduce((sum, i) => sum + Number(i.records), 0);
    const busyMs = items.reduce((sum, i) => sum + Number(i.durationMs), 0);
    return {
      invocations: items.length,
      records,
      perThousandMessages: (items.length / messages) * 1000,
      handlerMsPerRecord: records > 0 ? busyMs / records : 0,
    };
  }

  /** Publish a few messages and wait for them, so no measured message pays a cold start. */
  private async warmUp(
    send: (events: OrderConfirmed[]) => Promise<void>,
    variants: readonly BenchVariant[],
  ): Promise<void> {
    const phase = `warm${this.sequence}`;
    for (const e of this.events(this.options.warmup, phase)) await send([e]);
    await this.awaitEffects(variants, phase, this.options.warmup);
  }

  /** One flow into consumers: warm-up, a paced phase (latency), a burst (throughput). */
  async measure(entry: 'topic' | 'bus', variants: readonly BenchVariant[]): Promise<ConsumerResult[]> {
    const { messages, intervalMs } = this.options;
    const send =
      entry === 'topic'
        ? (e: OrderConfirmed[]) => this.publishTopic(e)
        : (e: OrderConfirmed[]) => this.putBus(e);
    const label = entry === 'topic' ? 'SNS fan-out' : 'EventBridge rule';
    progress.step(`${label}: warm-up (${this.options.warmup} messages)`);
    await this.warmUp(send, variants);

    progress.step(`${label}: ${messages} messages, one every ${intervalMs} ms`);
    const pacedPhase = `paced${this.sequence}`;
    const pacedEvents = this.events(messages, pacedPhase);
    const pacedStart = Date.now();
    const sentAt = await pace(messages, intervalMs, (i) => send([pacedEvents[i] as OrderConfirmed]));
    const pacedSeen = await this.awaitEffects(variants, pacedPhase, messages);
    const pacedEnd = Date.now();

    progress.step(`${label}: burst of ${messages} messages`);
    const burstPhase = `burst${this.sequence}`;
    const burstEvents = this.events(messages, burstPhase);
    const burstStart = Date.now();
    await inChunks(burstEvents, 10, 4, send);
    const burstSeen = await this.awaitEffects(variants, burstPhase, messages);
    const burstEnd = Date.now();

    const results: ConsumerResult[] = [];
    for (const variant of variants) {
      const paced = pacedSeen.get(variant) ?? new Map<string, number>();
      results.push({
        variant,
        paced: pacedResult(
          messages,
          intervalMs,
          sentAt,
          pacedEvents.map((e) => paced.get(e.detail.data.orderId)),
        ),
        burst: burstResult(messages, burstStart, [...(burstSeen.get(variant)?.values() ?? [])]),
        pacedInvocations: await this.invocations(variant, pacedStart, pacedEnd, messages),
        burstInvocations: await this.invocations(variant, burstStart, burstEnd, messages),
      });
    }
    return results;
  }
}

/** When each saga ended and how, polling the executions still running. */
async function awaitSagas(
  client: AppClient,
  orderIds: readonly string[],
): Promise<Map<string, { stoppedAt: number; status: string }>> {
  const ended = new Map<string, { stoppedAt: number; status: string }>();
  const deadline = Date.now() + deadlineFor(orderIds.length * 2);
  let lastReport = 0;
  while (ended.size < orderIds.length && Date.now() < deadline) {
    for (const orderId of orderIds) {
      if (ended.has(orderId)) continue;
      const execution = await client.execution(orderId);
      if (execution && execution.status !== 'RUNNING' && execution.stopDate) {
        ended.set(orderId, {
          stoppedAt: execution.stopDate.getTime(),
          status: execution.status ?? 'UNKNOWN',
        });
      }
    }
    if (Date.now() - lastReport > 10_000) {
      progress.info(`sagas ended: ${ended.size} of ${orderIds.length}`);
      lastReport = Date.now();
    }
    if (ended.size < orderIds.length) await sleep(1000);
  }
  if (ended.size < orderIds.length)
    progress.warn(`sagas: ${orderIds.length - ended.size} did not end in time`);
  return ended;
}

/**
 * The fulfilment saga of the default app: OrderPlaced on the orders bus until its execution
 * ends (the last step publishes OrderConfirmed). Each run orders its own SKUs, so stock never
 * runs out across runs.
 */
export async function measureSaga(options: FlowOptions): Promise<SagaResult> {
  const client = new AppClient(options.endpoint);
  const run = randomUUID().slice(0, 8);
  let n = 0;
  const order = () =>
    placeOrder({
      orderId: `bench-${run}-${String(n++).padStart(5, '0')}`,
      items: [{ sku: `BENCH-${run}`, quantity: 1, unitPrice: 40 }],
      total: 40,
    });
  const publish = async (requests: ReturnType<typeof order>[]) => {
    await client.publisher.publish(requests);
  };
  const statuses: Record<string, number> = {};
  const count = (ended: Map<string, { status: string }>) => {
    for (const { status } of ended.values()) statuses[status] = (statuses[status] ?? 0) + 1;
  };

  progress.step(`Saga: warm-up (${options.warmup} orders)`);
  const warm = Array.from({ length: options.warmup }, order);
  await publish(warm);
  await awaitSagas(
    client,
    warm.map((r) => r.data.orderId),
  );

  const total = options.sagaMessages;
  progress.step(`Saga: ${total} orders, one every ${options.sagaIntervalMs} ms`);
  const paced = Array.from({ length: total }, order);
  const sentAt = await pace(total, options.sagaIntervalMs, (i) =>
    publish([paced[i] as ReturnType<typeof order>]),
  );
  const pacedEnded = await awaitSagas(
    client,
    paced.map((r) => r.data.orderId),
  );
  count(pacedEnded);

  progress.step(`Saga: burst of ${total} orders`);
  const burst = Array.from({ length: total }, order);
  const burstStart = Date.now();
  await inChunks(burst, 10, 4, publish);
  const burstEnded = await awaitSagas(
    client,
    burst.map((r) => r.data.orderId),
  );
  count(burstEnded);
  return {
    paced: pacedResult(
      total,
      options.sagaIntervalMs,
      sentAt,
      paced.map((r) => pacedEnded.get(r.data.orderId)?.stoppedAt),
    ),
    burst: burstResult(
      total,
      burstStart,
      [...burstEnded.values()].map((e) => e.stoppedAt),
    ),
    statuses,
  };
}
