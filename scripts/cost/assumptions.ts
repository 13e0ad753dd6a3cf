import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DOMAIN_EVENT_CATALOG } from '../../contracts/domain/catalog.js';
import type { OrderDomainEventType } from '../../contracts/domain/order-events.js';
import { orderCancelled, orderConfirmed, orderStatusChanged } from '../../contracts/samples.js';
import { ROOT } from '../shared/paths.js';

/** Time one invocation bills: a fixed part plus a part per record (SQS message, stream record) it handles. */
export interface Duration {
  readonly perInvocationMs: number;
  readonly perRecordMs: number;
}

/** DynamoDB request units one call (a task) or one record causes, besides idempotency records. */
export interface TableWork {
  readonly reads: number;
  readonly writes: number;
  /** Extra write units per distinct SKU of the order (a transaction writes each stock item). */
  readonly writesPerSku?: number;
  /**
   * Only records of these detail types do the work (the Kafka log's consumers see every event);
   * the others still write their idempotency records.
   */
  readonly onlyFor?: readonly string[];
  /**
   * Bytes of the item one working call adds to its table for good (no TTL, never deleted),
   * priced as storage after eventStoreMonths.
   */
  readonly keptBytes?: number;
}

/**
 * The domain events a saga task appends to the event store, in order, each in its own append
 * (the fulfilment store decides one event at a time).
 */
export interface StepEvents {
  /** When the task goes through (for a compensation: when it undoes something). */
  readonly done: readonly OrderDomainEventType[];
  /** When it refuses the order (a business outcome); steps that cannot refuse have none. */
  readonly refused?: readonly OrderDomainEventType[];
}

/**
 * What a template cannot tell: how orders behave and how long code runs. Every field has a
 * default with its reason in WHY; the output prints both.
 */
export interface Assumptions {
  readonly confirmedShare: number;
  /** Of the cancelled orders, the share each saga step refuses (keys: step names). */
  readonly refusals: Readonly<Record<string, number>>;
  /** Of the events a content-filtered route's detail-types match, the share its filter lets through. */
  readonly routeShares: Readonly<Record<string, number>>;
  /** Likewise for a filtered SNS subscription, keyed by the subscribed queue. */
  readonly subscriptionShares: Readonly<Record<string, number>>;
  readonly eventBytes: number;
  readonly skusPerOrder: number;
  readonly durations: Readonly<Record<string, Duration>>;
  /** Where the durations came from: the defaults, or a benchmark file. */
  readonly durationsSource: string;
  readonly tableWork: Readonly<Record<string, TableWork>>;
  /** Per saga task (keys: function names), what it appends to the event store. */
  readonly stepEvents: Readonly<Record<string, StepEvents>>;
  /** A stored event without its outbox: keys, id, time and the domain event. */
  readonly storedEventBytes: number;
  /** One integration event in an outbox, with its whole envelope. */
  readonly outboxEntryBytes: number;
  /**
   * Months of orders the event store (and any kept item, TableWork.keptBytes) holds when its
   * storage is priced: it is never trimmed.
   */
  readonly eventStoreMonths: number;
  readonly streamShards: number;
  readonly streamPollSeconds: number;
  readonly idempotencyWritesPerCall: number;
  readonly expressOverheadMsPerTask: number;
  readonly expressMemoryMb: number;
  readonly pollersPerMapping: number;
  readonly longPollSeconds: number;
  readonly unbatchedGatherSeconds: number;
  readonly lambdaLogBytesPerInvocation: number;
  readonly sfnLogBytesPerState: number;
  readonly kmsRequestsPerEncryptedPublish: number;
  readonly xrayReservoirPerSecond: number;
  readonly xraySampleRate: number;
  readonly peakToAverage: number;
  readonly hottestSkuShare: number;
  /** Bytes one record of the Kafka log takes, per detail type: key, value, headers and framing. */
  readonly kafkaRecordBytes: Readonly<Record<string, number>>;
  /** Bytes the interface endpoints process per byte an on-demand MSK event source reads. */
  readonly endpointBytesPerKafkaByteRead: number;
}

/** An integration event as the outbox relay appends it to the Kafka log. */
interface LoggedEvent {
  readonly 'detail-type': string;
  readonly detail: {
    readonly metadata: { readonly eventId: string };
    readonly data: { readonly orderId: string };
  };
}

/**
 * Kafka's framing of a record (message format v2): a record batch's header (61 bytes: the relay
 * appends each stream record's one or two events in a produce of their own, so about a batch a
 * record), the record's varint lengths, attributes, timestamp and offset deltas and header count
 * (about 10), and two length bytes per header.
 */
const KAFKA_BATCH_HEADER_BYTES = 61;
const KAFKA_RECORD_FRAMING_BYTES = 10;
const KAFKA_HEADER_FRAMING_BYTES = 2;

/** One record of the order log: key the orderId, value the event's JSON, headers its detail type and eventId. */
function kafkaRecordBytesOf(event: LoggedEvent): number {
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
  const headers: Array<[string, string]> = [
    ['detail-type', event['detail-type']],
    ['event-id', event.detail.metadata.eventId],
  ];
  return (
    KAFKA_BATCH_HEADER_BYTES +
    KAFKA_RECORD_FRAMING_BYTES +
    bytes(event.detail.data.orderId) +
    bytes(JSON.stringify(event)) +
    headers.reduce((total, [k, v]) => total + KAFKA_HEADER_FRAMING_BYTES + bytes(k) + bytes(v), 0)
  );
}

/** The record bytes of contracts/samples.ts' events; a status change's, averaged over the catalog's statuses. */
function sampleKafkaRecordBytes(): Record<string, number> {
  const statuses = DOMAIN_EVENT_CATALOG.flatMap((e) => (e.status ? [e.status] : []));
  const confirmed = orderConfirmed();
  const statusBytes = statuses.map((status, i) =>
    kafkaRecordBytesOf(orderStatusChanged(confirmed.detail.data.orderId, status, i + 1)),
  );
  return {
    OrderConfirmed: kafkaRecordBytesOf(confirmed),
    OrderCancelled: kafkaRecordBytesOf(orderCancelled()),
    OrderStatusChanged: Math.round(statusBytes.reduce((a, b) => a + b, 0) / statusBytes.length),
  };
}

const saga = (ms: number): Duration => ({ perInvocationMs: ms, perRecordMs: 0 });
const consumer = (perRecordMs: number): Duration => ({ perInvocationMs: 10, perRecordMs });
/** No table of its own (idempotency records aside). */
const noTable: TableWork = { reads: 0, writes: 0 };

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  confirmedShare: 0.9,
  refusals: { ReserveStock: 0.3, AuthorizePayment: 0.6, CreateShipment: 0.1 },
  routeShares: { FraudReview: 0.05, Partner: 0.1, GiftWrap: 0.05, Promotions: 0.2, Analytics: 0.98 },
  subscriptionShares: { EmailQueue: 0.98, LoyaltyQueue: 0.6 },
  eventBytes: 1500,
  skusPerOrder: 2,
  durations: {
    SagaStarter: consumer(40),
    OutboxRelay: consumer(25),
    EmailNotifier: consumer(30),
    LoyaltyPoints: consumer(35),
    AnalyticsRecorder: consumer(25),
    OrderStatusProjection: consumer(25),
    FraudCaseOpener: consumer(25),
    PartnerForwarder: consumer(25),
    GiftWrapMarker: consumer(25),
    CouponRecorder: consumer(25),
    BusAnalyticsRecorder: consumer(25),
    // The order log's consumer groups (records per invocation from their mappings' batching).
    OrderAudit: consumer(25),
    SalesPerMinute: consumer(25),
    ReserveStock: saga(60),
    ReleaseStock: saga(60),
    AuthorizePayment: saga(45),
    VoidPayment: saga(45),
    CreateShipment: saga(45),
    CancelShipment: saga(45),
    ConfirmOrder: saga(45),
    SettleOrder: saga(45),
    CancelOrder: saga(60),
  },
  durationsSource: 'defaults (not measured)',
  tableWork: {
    // The payment token vault: the starter puts the order's token, AuthorizePayment gets it.
    SagaStarter: { reads: 0, writes: 1 },
    OutboxRelay: noTable,
    EmailNotifier: { reads: 0, writes: 2 },
    LoyaltyPoints: { reads: 0, writes: 4 },
    AnalyticsRecorder: { reads: 0, writes: 1 },
    OrderStatusProjection: { reads: 0, writes: 1 },
    FraudCaseOpener: { reads: 0, writes: 1 },
    PartnerForwarder: { reads: 0, writes: 1 },
    GiftWrapMarker: { reads: 0, writes: 1 },
    CouponRecorder: { reads: 0, writes: 1 },
    BusAnalyticsRecorder: { reads: 0, writes: 1 },
    // An audit line per record (a PutItem, kept); a confirmed order's sale is one add-once
    // transaction of its marker (kept) and its minute's total, 2 units each
    // (test/cdk/cost-model-order-log.test.ts runs both adapters).
    OrderAudit: { reads: 0, writes: 1, keptBytes: 265 },
    SalesPerMinute: { reads: 0, writes: 4, onlyFor: ['OrderConfirmed'], keptBytes: 48 },
    // The saga steps' service table only: the stock items their appends update in the same
    // transaction (2 units each). Their event-store work is priced from stepEvents.
    ReserveStock: { reads: 0, writes: 0, writesPerSku: 2 },
    ReleaseStock: { reads: 0, writes: 0, writesPerSku: 2 },
    AuthorizePayment: { reads: 1, writes: 0 },
    VoidPayment: noTable,
    CreateShipment: noTable,
    CancelShipment: noTable,
    ConfirmOrder: noTable,
    SettleOrder: noTable,
    CancelOrder: noTable,
  },
  // Read from lambdas/fulfilment/steps.ts and its store (test/unit/scripts/cost/assumptions.test.ts
  // runs them): a declined payment or an unshippable address is returned to the saga, not
  // appended; a reservation is refused when a stock item runs out (a SKU the simulation starts
  // at 0 is refused before anything is appended).
  stepEvents: {
    ReserveStock: { done: ['OrderPlaced', 'StockReserved'], refused: ['OrderPlaced', 'StockRefused'] },
    ReleaseStock: { done: ['StockReleased'] },
    AuthorizePayment: { done: ['PaymentAuthorized'], refused: [] },
    VoidPayment: { done: ['PaymentVoided'] },
    CreateShipment: { done: ['ShipmentCreated'], refused: [] },
    CancelShipment: { done: ['ShipmentCancelled'] },
    ConfirmOrder: { done: ['OrderConfirmed'] },
    SettleOrder: { done: ['ConfirmationBarred'] },
    CancelOrder: { done: ['OrderCancelled'] },
  },
  storedEventBytes: 250,
  outboxEntryBytes: 420,
  eventStoreMonths: 12,
  streamShards: 4,
  streamPollSeconds: 0.25,
  idempotencyWritesPerCall: 2,
  expressOverheadMsPerTask: 30,
  expressMemoryMb: 64,
  pollersPerMapping: 5,
  longPollSeconds: 20,
  unbatchedGatherSeconds: 0.05,
  lambdaLogBytesPerInvocation: 1000,
  sfnLogBytesPerState: 2000,
  kmsRequestsPerEncryptedPublish: 1,
  xrayReservoirPerSecond: 1,
  xraySampleRate: 0.05,
  peakToAverage: 5,
  hottestSkuShare: 0.02,
  kafkaRecordBytes: sampleKafkaRecordBytes(),
  endpointBytesPerKafkaByteRead: 1.33,
};

/** One line per assumption: why its default is what it is. */
export const WHY: Record<Exclude<keyof Assumptions, 'durationsSource'>, string> = {
  confirmedShare: 'most orders go through; the rest are refused by a saga step',
  refusals:
    'of the cancellations: out of stock, payment declined (the commonest refusal), no carrier; faults after retries are rarer still and not modelled',
  routeShares:
    'share of OrderPlaced each content filter passes: large/new-customer, partner channel, gift SKU, coupon, non-test',
  subscriptionShares: 'email: every outcome but test traffic; loyalty: confirmed orders of total >= 100',
  eventBytes: 'the envelope plus order data is 1-2 KB, well under one 64 KB chunk',
  skusPerOrder: 'distinct SKUs per order: the reservation transaction writes each stock item',
  durations:
    'warm arm64 handlers doing 2-4 DynamoDB calls (~5-10 ms each) plus Powertools and X-Ray overhead; cold starts amortised; the order log consumers (OrderAudit, SalesPerMinute) as the queue consumers, per record of their batches. Replace with npm run bench figures',
  tableWork:
    "read from the handlers: conditional puts 1 WCU, transactions 2 WCU per item, consistent gets 1 RCU, items under 1 KB (email 2 KB); every order carries a payment token. The order log's: an audit line per record (265 B, kept), a sale per OrderConfirmed only (its 48 B marker kept; a minute's total is one item per minute and currency)",
  stepEvents:
    "read from the fulfilment steps; each event's outbox is the catalog's (contracts/domain/catalog.ts). Each append is a transaction: 2 WRU per KB of the event and of the version it checks, and a load before it of 2 consistent queries (snapshot, events: 1 RRU per 4 KB, at least 1); no snapshots (an order has far fewer events than snapshotEvery)",
  storedEventBytes:
    "the average over an order's events, measured on the handlers' items: about 200 B each (keys, eventId, occurredAt, the domain event), OrderPlaced, which carries the order, about 560 B",
  outboxEntryBytes:
    "measured: an outbox entry (the whole integration event) is 400-450 B, so only OrderCancelled's item (two entries) passes 1 KB",
  eventStoreMonths:
    "events are kept (no TTL): storage is priced as it stands after a year at this rate, and grows by a twelfth of that each month; so are the order log table's audit lines and sale markers (the other consumers' ledger items are not priced); point-in-time recovery, like every backup, is not priced",
  streamShards:
    'a new on-demand table has about 4 partitions, each a stream shard that Lambda reads one batch at a time',
  streamPollSeconds:
    'Lambda polls each stream shard 4 times a second, so a batch holds what one shard took in 0.25 s',
  idempotencyWritesPerCall:
    'Powertools idempotency: a conditional put (in progress) and an update (completed) per call',
  expressOverheadMsPerTask: 'Step Functions adds tens of ms per Lambda task to the Express duration',
  expressMemoryMb: 'the saga state is a few KB: the smallest 64 MB chunk',
  pollersPerMapping: 'an SQS event source starts with five long-polling pollers',
  longPollSeconds:
    'Lambda pollers long-poll for 20 s, so an idle queue sees 3 empty receives a minute per poller',
  unbatchedGatherSeconds:
    'without a batching window a receive (an SQS poll, a Kafka fetch) returns what arrived within about one round trip',
  lambdaLogBytesPerInvocation: 'START/END/REPORT platform lines plus a few JSON log lines',
  sfnLogBytesPerState: 'log level ALL with execution data: an entered and an exited event of ~1 KB per state',
  kmsRequestsPerEncryptedPublish:
    'upper bound: one GenerateDataKey per publish to a KMS-encrypted topic (SNS may reuse data keys)',
  xrayReservoirPerSecond:
    "X-Ray's default rule traces the first request each second (one reservoir for the account)...",
  xraySampleRate: '...and 5% of the rest',
  peakToAverage: 'the busiest hour carries 5x the month-average rate (scaling view only)',
  hottestSkuShare:
    'share of orders holding the best-selling SKU, whose stock item every reservation of it writes (scaling view only)',
  kafkaRecordBytes:
    "measured on contracts/samples.ts' events (a status change: the mean over the catalog's statuses): the orderId key, the event's JSON value, its detail type and eventId as headers, and Kafka's framing with a batch header per record; what MSK Serverless bills in, and out once per consumer group",
  endpointBytesPerKafkaByteRead:
    "an on-demand MSK event source invokes its function through the cluster's VPC: each record its group reads passes an endpoint once, base64 in the event (about 4/3). A provisioned-mode one needs no endpoints (AWS: Lambda handles that connection), so its reads count 0",
};

/**
 * Measured Lambda durations, when a benchmark file carries them as
 * `{ "lambdaDurationsMs": { "<function>": <ms per record or task> } }` (function names as in
 * the app: EmailNotifier, ReserveStock, ...). Anything else leaves the defaults.
 */
export function withMeasuredDurations(assumptions: Assumptions, file: string): Assumptions {
  if (!existsSync(file)) return assumptions;
  let measured: unknown;
  try {
    measured = (JSON.parse(readFileSync(file, 'utf8')) as { lambdaDurationsMs?: unknown }).lambdaDurationsMs;
  } catch {
    return assumptions;
  }
  if (typeof measured !== 'object' || measured === null) return assumptions;
  const durations = { ...assumptions.durations };
  let used = 0;
  for (const [name, ms] of Object.entries(measured)) {
    const current = durations[name];
    if (!current || typeof ms !== 'number' || !(ms > 0)) continue;
    // The measured figure is per record for consumers and per call for saga tasks.
    durations[name] =
      current.perRecordMs > 0 ? { ...current, perRecordMs: ms } : { ...current, perInvocationMs: ms };
    used++;
  }
  return used === 0
    ? assumptions
    : { ...assumptions, durations, durationsSource: `${used} measured (${path.relative(ROOT, file)})` };
}
