import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  GetEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionDoesNotExist,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type OrderDomainEvent, OrderDomainEventSchema } from '../../contracts/domain/order-events.js';
import {
  applyOrderEvent,
  initialOrder,
  type OrderState,
  type StepState,
} from '../../lambdas/fulfilment/order-aggregate.js';
import { EFFECT_KINDS, effectKeys, kindOfSortKey } from '../../lambdas/route-consumers/effect-keys.js';
import type { RouteEffectKind } from '../../lambdas/route-consumers/route-effects.js';
import { executionArn, executionName } from '../../lambdas/saga-starter/start-saga.js';
import { EventStoreClient, type Loaded } from '../../lambdas/shared/event-store.js';
import { ledgerKeys } from '../../lambdas/shared/ledger.js';
import { EventPublisher } from '../../lambdas/shared/publisher.js';
import { ROUTE_QUEUES, type RouteQueueName } from '../../lib/stacks/order-events-stack.js';
import { outputKey } from '../../lib/stacks/output-keys.js';
import { type QueueDepth, queueDepth } from '../dead-letters/dead-letters.js';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from '../emulator/emulator.js';
import { readOutputs, type StackOutputs } from './stack-outputs.js';
import { waitFor } from './wait.js';

/** The queues of the notifications stack, by the short names the outputs use. */
export const QUEUE_NAMES = ['Email', 'Loyalty', 'Analytics', 'Status'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export type Effect = 'EMAIL' | 'LOYALTY' | 'ANALYTICS' | 'STATUS';

/** The effect each bus route's consumer leaves (see lambdas/route-consumers/effect-keys.ts). */
export const ROUTE_EFFECTS: Record<RouteQueueName, RouteEffectKind> = {
  fraudReview: 'REVIEW',
  partner: 'PARTNER',
  giftWrap: 'GIFT_WRAP',
  promotions: 'COUPON',
  analytics: 'FACT',
};

/**
 * A client for the whole deployed app on the emulator, from the outputs of the last deploy
 * (`.local/outputs.json`): publish on the bus, the outcome topic and the status stream; read
 * the queues and DLQs of the notifications stack and of the bus routes, the consumers' ledger
 * and route effects, the status projection, and the saga's executions and fulfilment records.
 * Used by the local demo, the chaos run, the benchmarks and the integration tests.
 */
export class AppClient {
  readonly outputs: Record<string, string>;
  /** Outputs of the OrderEvents stack (the bus and its route queues). */
  readonly busOutputs: Record<string, string>;
  readonly eventBridge: EventBridgeClient;
  /** Outputs of the OrderFulfilment stack (the saga). */
  readonly sagaOutputs: Record<string, string>;
  /** Outputs of the OrderLog stack (the Kafka log and its consumer groups). */
  readonly logOutputs: Record<string, string>;
  readonly sfn: SFNClient;
  readonly publisher: EventPublisher;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly ddb: DynamoDBDocumentClient;
  readonly lambda: LambdaClient;

  /**
   * `connection` points it elsewhere than the emulator's last deploy: AWS itself, with the
   * stacks' outputs read from CloudFormation and the SDK's own configuration (`config: {}`).
   */
  constructor(
    readonly endpoint = process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT,
    connection: { readonly outputs?: StackOutputs; readonly config?: object } = {},
  ) {
    const all = connection.outputs ?? readOutputs();
    const outputs = all.OrderNotifications;
    if (!outputs)
      throw new Error('the OrderNotifications stack is not in the deploy outputs; deploy it first.');
    this.outputs = outputs;
    this.busOutputs = all.OrderEvents ?? {};
    this.sagaOutputs = all.OrderFulfilment ?? {};
    this.logOutputs = all.OrderLog ?? {};
    const config = connection.config ?? clientConfig(emulatorEnv(endpoint));
    this.eventBridge = new EventBridgeClient(config);
    this.sfn = new SFNClient(config);
    this.publisher = new EventPublisher(this.eventBridge, {
      busName: this.busOutputs.BusName ?? 'missing-OrderEvents-stack',
    });
    this.sns = new SNSClient(config);
    this.sqs = new SQSClient(config);
    this.ddb = DynamoDBDocumentClient.from(new DynamoDBClient(config));
    this.lambda = new LambdaClient(config);
  }

  output(key: string): string {
    const value = this.outputs[key];
    if (!value) throw new Error(`stack output ${key} is missing; redeploy.`);
    return value;
  }

  sagaOutput(key: string): string {
    const value = this.sagaOutputs[key];
    if (!value) throw new Error(`OrderFulfilment stack output ${key} is missing; redeploy.`);
    return value;
  }

  logOutput(key: string): string {
    const value = this.logOutputs[key];
    if (!value) throw new Error(`OrderLog stack output ${key} is missing; redeploy.`);
    return value;
  }

  /** The order's audit trail from the order log's low-latency group, oldest first. */
  async auditTrail(orderId: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.ddb, {
      TableName: this.logOutput('OrderLogTableName'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': ledgerKeys.order(orderId), ':audit': 'AUDIT#' },
    });
  }

  /** The sales totals of one minute (`2026-12-03T13:05`) by currency, from the high-throughput group. */
  async salesMinute(minute: string): Promise<Record<string, { orders: number; totalCents: number }>> {
    const rows = await queryAll(this.ddb, {
      TableName: this.logOutput('OrderLogTableName'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': ledgerKeys.salesMinute(minute) },
    });
    return Object.fromEntries(
      rows.map((r) => [String(r.sk), { orders: Number(r.orders ?? 0), totalCents: Number(r.total ?? 0) }]),
    );
  }

  /** Whether the sales group has counted an order. */
  async saleCounted(orderId: string): Promise<boolean> {
    const rows = await queryAll(this.ddb, {
      TableName: this.logOutput('OrderLogTableName'),
      KeyConditionExpression: 'pk = :pk AND sk = :sale',
      ExpressionAttributeValues: { ':pk': ledgerKeys.order(orderId), ':sale': ledgerKeys.sale },
    });
    return rows.length > 0;
  }

  /** The ARN of the saga execution for an order (named by the order id). */
  executionArn(orderId: string): string {
    const machine = this.sagaOutput('StateMachineArn');
    return executionArn(machine, executionName(orderId));
  }

  /** The saga execution of an order, or undefined when none was started. */
  async execution(orderId: string): Promise<DescribeExecutionCommandOutput | undefined> {
    try {
      return await this.sfn.send(new DescribeExecutionCommand({ executionArn: this.executionArn(orderId) }));
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    }
  }

  /**
   * The status of every execution of the saga, by execution name: one paged ListExecutions
   * instead of a DescribeExecution per order, which a loaded emulator answers slowly.
   */
  async executionStatuses(): Promise<Map<string, ExecutionStatus>> {
    const statuses = new Map<string, ExecutionStatus>();
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: this.sagaOutput('StateMachineArn'),
          maxResults: 1000,
          nextToken,
        }),
      );
      for (const e of page.executions ?? []) if (e.name && e.status) statuses.set(e.name, e.status);
      nextToken = page.nextToken;
    } while (nextToken);
    return statuses;
  }

  /** Every event of an execution's history, oldest first. */
  async history(orderId: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(
        new GetExecutionHistoryCommand({
          executionArn: this.executionArn(orderId),
          nextToken,
          maxResults: 1000,
        }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  /** A client of the fulfilment service's event store (the Order aggregate's events). */
  eventStore(): EventStoreClient<OrderDomainEvent, OrderState> {
    return new EventStoreClient<OrderDomainEvent, OrderState>(this.ddb, {
      tableName: this.sagaOutput('EventStoreTableName'),
      schema: OrderDomainEventSchema,
      fold: { initial: initialOrder, apply: applyOrderEvent },
    });
  }

  /** The order's state, from its latest snapshot and the events after it. */
  async orderEvents(orderId: string): Promise<Loaded<OrderDomainEvent, OrderState>> {
    return this.eventStore().load(orderId);
  }

  /** The outbox relay's event source mapping (on the event store's stream). */
  async relayMapping(): Promise<{ uuid: string; functionName: string }> {
    const functionName = this.sagaOutput('OutboxRelayFunctionName');
    const { EventSourceMappings: mappings = [] } = await this.lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: functionName }),
    );
    const [mapping, ...others] = mappings;
    if (!mapping?.UUID || others.length > 0)
      throw new Error(`expected one event source mapping on ${functionName}, found ${mappings.length}`);
    return { uuid: mapping.UUID, functionName };
  }

  /** Stop (or start) the outbox relay's event source; resolves once the mapping says so. */
  async setRelayEnabled(enabled: boolean): Promise<void> {
    const { uuid } = await this.relayMapping();
    await this.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: enabled }));
    const wanted = enabled ? 'Enabled' : 'Disabled';
    await waitFor(`the outbox relay's event source to be ${wanted}`, async () => {
      const { State } = await this.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return State === wanted ? true : undefined;
    });
  }

  /**
   * Where an order's fulfilment stands, by kind: RESERVATION (RESERVED | RELEASED), PAYMENT
   * (AUTHORIZED | VOIDED), SHIPMENT (CREATED | CANCELLED), ORDER (CONFIRMED | ABANDONED, a
   * barred confirmation); a kind the order never reached is absent. Folded from its events.
   */
  async fulfilment(orderId: string): Promise<Record<string, string>> {
    const { state } = await this.orderEvents(orderId);
    const of = (step: StepState, done: string, undone: string) =>
      step === 'DONE' ? done : step === 'UNDONE' ? undone : undefined;
    const view = {
      RESERVATION: of(state.stock, 'RESERVED', 'RELEASED'),
      PAYMENT: of(state.payment, 'AUTHORIZED', 'VOIDED'),
      SHIPMENT: of(state.shipment, 'CREATED', 'CANCELLED'),
      ORDER:
        state.outcome?.status === 'CONFIRMED'
          ? 'CONFIRMED'
          : state.confirmationBarred
            ? 'ABANDONED'
            : undefined,
    };
    return Object.fromEntries(Object.entries(view).filter((e): e is [string, string] => e[1] !== undefined));
  }

  /** A SKU's stock record, or undefined before its first reservation. */
  async stock(sku: string): Promise<{ available: number; reserved: number } | undefined> {
    const result = await this.ddb.send(
      new GetCommand({
        TableName: this.sagaOutput('FulfilmentTableName'),
        Key: { pk: `SKU#${sku}`, sk: 'STOCK' },
        ConsistentRead: true,
      }),
    );
    return result.Item
      ? { available: Number(result.Item.available), reserved: Number(result.Item.reserved ?? 0) }
      : undefined;
  }

  /** Wait for an order's saga to end; returns its final description. */
  async sagaEnd(orderId: string, timeoutMs = 120_000): Promise<DescribeExecutionCommandOutput> {
    return waitFor(
      `the saga of ${orderId} to end`,
      async () => {
        const execution = await this.execution(orderId);
        return execution && execution.status !== 'RUNNING' ? execution : undefined;
      },
      { timeoutMs, intervalMs: 500 },
    );
  }

  busOutput(key: string): string {
    const value = this.busOutputs[key];
    if (!value) throw new Error(`OrderEvents stack output ${key} is missing; redeploy.`);
    return value;
  }

  /** An output of a bus route: `QueueUrl`, `DlqUrl`, `FunctionName` or `LogGroupName`. */
  private routeOutput(name: RouteQueueName, what: string): string {
    return this.busOutput(outputKey(name, what));
  }

  routeQueueUrl(name: RouteQueueName): string {
    return this.routeOutput(name, 'QueueUrl');
  }

  routeDlqUrl(name: RouteQueueName): string {
    return this.routeOutput(name, 'DlqUrl');
  }

  /** Every queue a consumer of the app reads: the notification queues, the bus routes' and the saga intake. */
  consumerQueueUrls(): string[] {
    return [
      ...QUEUE_NAMES.map((q) => this.queueUrl(q)),
      ...ROUTE_QUEUES.map((q) => this.routeQueueUrl(q)),
      this.sagaOutput('SagaIntakeQueueUrl'),
    ];
  }

  /** What the bus routes' consumers did with an order: its items in the route effects table. */
  async routeEffects(orderId: string): Promise<Record<string, unknown>[]> {
    return this.partition(this.busOutput('RouteEffectsTableName'), effectKeys.order(orderId));
  }

  /** How many effects of each kind the route consumers left for an order. */
  async routeEffectCounts(orderId: string): Promise<Record<RouteEffectKind, number>> {
    const counts = Object.fromEntries(EFFECT_KINDS.map((k) => [k, 0])) as Record<RouteEffectKind, number>;
    for (const item of await this.routeEffects(orderId)) {
      const kind = kindOfSortKey(String(item.sk));
      if (kind) counts[kind] += 1;
    }
    return counts;
  }

  /** Put entries on the orders bus as they are (no envelope, no validation): for edge cases. */
  async putRaw(
    entries: ReadonlyArray<{ source: string; detailType: string; detail: unknown }>,
  ): Promise<void> {
    const result = await this.eventBridge.send(
      new PutEventsCommand({
        Entries: entries.map((e) => ({
          EventBusName: this.busOutput('BusName'),
          Source: e.source,
          DetailType: e.detailType,
          Detail: JSON.stringify(e.detail),
        })),
      }),
    );
    if (result.FailedEntryCount) throw new Error(`PutEvents rejected ${result.FailedEntryCount} entries`);
  }

  /**
   * Receive until the queue reads empty twice, each message hidden for `visibilitySeconds`
   * meanwhile; the messages received, each once.
   */
  private async receiveAll(url: string, visibilitySeconds: number): Promise<Message[]> {
    const seen = new Map<string, Message>();
    let empty = 0;
    while (empty < 2) {
      const result = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: visibilitySeconds,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const messages = (result.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
      empty = messages.length === 0 ? empty + 1 : 0;
      for (const m of messages) if (m.MessageId) seen.set(m.MessageId, m);
    }
    return [...seen.values()];
  }

  /** Apply `command` to the messages ten at a time (SQS batch limit). */
  private async inBatches(
    messages: readonly Message[],
    command: (batch: Message[]) => Promise<unknown>,
  ): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) await command(messages.slice(i, i + 10));
  }

  /** Read every message of a queue without consuming it: all are made visible again after. */
  async scan(url: string): Promise<Message[]> {
    const all = await this.receiveAll(url, 60);
    await this.inBatches(all, (batch) =>
      this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: batch.map((m, j) => ({
            Id: String(j),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      ),
    );
    return all;
  }

  /** Receive and delete every message in a queue; returns the bodies. */
  async drain(url: string): Promise<string[]> {
    return (await this.take(url)).map((m) => m.Body ?? '');
  }

  /** Receive and delete every message in a queue, with its attributes (SentTimestamp…). */
  async take(url: string): Promise<Message[]> {
    const all = await this.receiveAll(url, 30);
    await this.inBatches(all, (batch) =>
      this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: batch.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
        }),
      ),
    );
    return all;
  }

  queueUrl(name: QueueName): string {
    return this.output(`${name}QueueUrl`);
  }

  dlqUrl(name: QueueName): string {
    return this.output(`${name}DlqUrl`);
  }

  /** Publish an order outcome (or any body) to the fan-out topic, as EventBridge would. */
  async publishOutcome(body: unknown): Promise<string> {
    const result = await this.sns.send(
      new PublishCommand({
        TopicArn: this.output('OutcomesTopicArn'),
        Message: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
    return result.MessageId ?? '';
  }

  /** Publish a status change to the FIFO stream: one message group per order. */
  async publishStatus(event: {
    detail: { data: { orderId: string }; metadata: { eventId: string } };
  }): Promise<void> {
    await this.sns.send(
      new PublishBatchCommand({
        TopicArn: this.output('StatusTopicArn'),
        PublishBatchRequestEntries: [
          {
            Id: '0',
            Message: JSON.stringify(event),
            MessageGroupId: event.detail.data.orderId,
            MessageDeduplicationId: event.detail.metadata.eventId,
          },
        ],
      }),
    );
  }

  /** Send raw bodies straight to a consumer's queue in one batch (up to 10). */
  async sendBatch(name: QueueName, bodies: readonly string[]): Promise<void> {
    const result = await this.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl(name),
        Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })),
      }),
    );
    if (result.Failed && result.Failed.length > 0) {
      throw new Error(
        `SendMessageBatch failed for ${result.Failed.length} entries: ${result.Failed[0]?.Message}`,
      );
    }
  }

  depth(url: string): Promise<QueueDepth> {
    return queueDepth(this.sqs, url);
  }

  /** Read messages without taking them: visibility timeout 0 leaves them for everyone. */
  async peek(url: string, max = 10): Promise<Message[]> {
    const seen = new Map<string, Message>();
    // Several receives: SQS samples servers, so one call may not return every message.
    for (let i = 0; i < 3; i++) {
      const result = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: Math.min(max, 10),
          VisibilityTimeout: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      for (const m of result.Messages ?? []) if (m.MessageId) seen.set(m.MessageId, m);
    }
    return [...seen.values()];
  }

  /** The consumers' effects recorded for an order, by kind. */
  async effects(orderId: string): Promise<Record<string, unknown>[]> {
    return this.partition(this.output('LedgerTableName'), ledgerKeys.order(orderId));
  }

  /** Every item of a table's partition, read consistently. */
  private partition(tableName: string, pk: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.ddb, {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    });
  }

  /** How many of each effect an order has (STATUS counts the projection item). */
  async effectCounts(orderId: string): Promise<Record<Effect, number>> {
    const counts: Record<Effect, number> = { EMAIL: 0, LOYALTY: 0, ANALYTICS: 0, STATUS: 0 };
    for (const item of await this.effects(orderId)) {
      const kind = String(item.sk).split('#')[0] as Effect;
      if (kind in counts) counts[kind] += 1;
    }
    return counts;
  }

  async loyaltyBalance(customerId: string): Promise<number> {
    const result = await this.ddb.send(
      new GetCommand({
        TableName: this.output('LedgerTableName'),
        Key: { pk: ledgerKeys.customer(customerId), sk: ledgerKeys.loyaltyBalance },
        ConsistentRead: true,
      }),
    );
    return Number(result.Item?.points ?? 0);
  }

  async status(orderId: string): Promise<{ status: string; sequence: number } | undefined> {
    const result = await this.ddb.send(
      new GetCommand({
        TableName: this.output('LedgerTableName'),
        Key: { pk: ledgerKeys.order(orderId), sk: ledgerKeys.status },
        ConsistentRead: true,
      }),
    );
    return result.Item
      ? { status: String(result.Item.status), sequence: Number(result.Item.sequence) }
      : undefined;
  }
}

/** Every item a query matches, page after page. */
export async function queryAll(
  ddb: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
