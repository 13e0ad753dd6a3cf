import type { AppStructure } from './app-structure.js';
import type { Assumptions } from './assumptions.js';
import { payloadChunks } from './billing.js';
import { priceCloudWatch } from './pricers/cloudwatch.js';
import { priceDynamoDb } from './pricers/dynamodb.js';
import { priceDynamoDbStreams } from './pricers/dynamodb-streams.js';
import { type EventStoreTraffic, eventStoreTraffic } from './pricers/event-store.js';
import { priceEventBridge } from './pricers/eventbridge.js';
import { type KafkaTraffic, kafkaConsumerLoad, priceKafka, priceVpcEndpoints } from './pricers/kafka.js';
import { priceKms } from './pricers/kms.js';
import { priceLambda } from './pricers/lambda.js';
import { FunctionLoad, type Ledger, sum } from './pricers/ledger.js';
import { priceSns } from './pricers/sns.js';
import { priceSqs } from './pricers/sqs.js';
import { priceStepFunctions } from './pricers/step-functions.js';
import { priceXray } from './pricers/xray.js';

export interface LineItem {
  readonly service: string;
  readonly item: string;
  readonly units: number;
  readonly unit: string;
  readonly usd: number;
  /** A monthly fee whatever the traffic. */
  readonly fixed?: boolean;
}

export interface FunctionUsage {
  readonly name: string;
  readonly architecture: 'arm64' | 'x86_64';
  readonly memoryMb: number;
  readonly invocations: number;
  readonly records: number;
  /** Its records per detail type, where the source tells them apart (the Kafka log). */
  readonly recordsByType?: Readonly<Record<string, number>>;
  /** Billed ms per invocation, on average. */
  readonly durationMs: number;
  readonly gbSeconds: number;
  /** The event source mapping's cap on concurrent invocations, if it has one. */
  readonly maxConcurrency?: number;
}

export interface SagaPath {
  readonly name: string;
  readonly share: number;
  /** States entered: Standard bills each as a transition. */
  readonly transitions: number;
  readonly tasks: readonly string[];
  /** Sum of task durations plus overhead: what Express bills, before rounding. */
  readonly durationMs: number;
  /** The function of the step that refuses the order on this path, if any. */
  readonly refusedBy?: string;
}

export interface QueueUsage {
  readonly name: string;
  readonly fifo: boolean;
  readonly messages: number;
  readonly consumer?: string;
  readonly perInvocation?: number;
}

export interface TableUsage {
  readonly name: string;
  readonly reads: number;
  readonly writes: number;
}

export interface CostReport {
  readonly orders: number;
  readonly structure: AppStructure;
  readonly lines: readonly LineItem[];
  readonly functions: readonly FunctionUsage[];
  readonly queues: readonly QueueUsage[];
  readonly paths: readonly SagaPath[];
  readonly tables: readonly TableUsage[];
  readonly eventStore: EventStoreTraffic;
  /** The Kafka log's month, if the app has one. */
  readonly kafka: KafkaTraffic | undefined;
  readonly sagaType: 'STANDARD' | 'EXPRESS';
  /** Rates the quotas are about, per month. */
  readonly volumes: {
    readonly busEvents: number;
    readonly targetInvocations: number;
    readonly snsPublishes: number;
    readonly snsFifoPublishes: number;
    readonly sagaExecutions: number;
    readonly stateTransitions: number;
  };
  readonly totalUsd: number;
}

export interface ModelOptions {
  /** Price every function as this architecture instead of the template's. */
  readonly architecture?: 'arm64' | 'x86_64';
  /**
   * Fan out through the bus instead of these topics: one rule per subscription (EventBridge
   * matches for free), so the topics' publishes and KMS requests go away.
   */
  readonly busFanOutFor?: readonly string[];
}

/**
 * Usage and cost of `orders` a month on the synthesized app, under the assumptions: the
 * traffic flows from the bus through the topics and queues to the functions and the saga, the
 * saga's events through the event store's stream to the outbox relay, which also appends them
 * to the Kafka log, whose consumer groups each read them all, and each service's pricer
 * (scripts/cost/pricers) bills its part.
 */
export function costReport(
  structure: AppStructure,
  orders: number,
  a: Assumptions,
  options: ModelOptions = {},
): CostReport {
  const lines: LineItem[] = [];
  const ledger: Ledger = {
    structure,
    orders,
    a,
    options,
    chunks: payloadChunks(a.eventBytes),
    busFanOut: new Set(options.busFanOutFor ?? []),
    add: (line) => lines.push(line),
  };
  const load = new FunctionLoad();
  // First, as the outbox relay publishes the status changes the saga's events cause.
  const eventStore = eventStoreTraffic(ledger);
  const bus = priceEventBridge(ledger, eventStore.outbox.OrderStatusChanged ?? 0);
  const topics = priceSns(ledger, bus);
  const queues = priceSqs(ledger, topics.queueIn, load);
  const saga = priceStepFunctions(ledger, load);
  priceDynamoDbStreams(ledger, eventStore, load);
  kafkaConsumerLoad(ledger, eventStore, load);
  const functions = priceLambda(ledger, load);
  const tables = priceDynamoDb(ledger, functions, eventStore);
  priceCloudWatch(ledger, sum(functions.map((f) => f.invocations)), saga.stateTransitions);
  priceKms(ledger, topics.kmsRequests);
  priceXray(ledger, functions, saga.executions);
  const kafka = priceKafka(ledger, eventStore);
  priceVpcEndpoints(ledger, eventStore, kafka);

  return {
    orders,
    structure,
    lines,
    functions,
    queues,
    paths: saga.paths,
    tables,
    eventStore,
    kafka,
    sagaType: saga.sagaType,
    volumes: {
      busEvents: bus.busEvents,
      targetInvocations: topics.targetInvocations,
      snsPublishes: topics.snsPublishes,
      snsFifoPublishes: topics.snsFifoPublishes,
      sagaExecutions: saga.executions,
      stateTransitions: saga.stateTransitions,
    },
    totalUsd: sum(lines.map((l) => l.usd)),
  };
}

/** Total USD of the lines of one service. */
export const serviceUsd = (report: CostReport, service: string): number =>
  sum(report.lines.filter((l) => l.service === service).map((l) => l.usd));
