import { Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORDER_LOG_TOPIC } from '../../contracts/domain/order-log.js';
import { orderConfirmed } from '../../contracts/samples.js';
import { KAFKA_THROUGHPUT_PROFILES, KafkaLog } from '../../lib/patterns/kafka-log/index.js';
import { lambdaEntry } from '../../lib/stacks/app-functions.js';
import { ORDER_LOG_GROUPS } from '../../lib/stacks/order-log-stack.js';
import {
  type AppStructure,
  DEFAULT_VARIANT,
  readStructure,
  type SynthesizedApp,
  synthesizeApp,
  type Template,
} from '../../scripts/cost/app-structure.js';
import { DEFAULT_ASSUMPTIONS } from '../../scripts/cost/assumptions.js';
import { HOURS_PER_MONTH, SECONDS_PER_MONTH } from '../../scripts/cost/billing.js';
import { sharedPollerGroup } from '../../scripts/cost/compare.js';
import { type CostReport, costReport, type LineItem, serviceUsd } from '../../scripts/cost/model.js';
import { gb } from '../../scripts/cost/pricers/ledger.js';
import { BILLING, PRICES } from '../../scripts/cost/prices.js';
import { MSK_SERVERLESS_QUOTAS, scalingView } from '../../scripts/cost/scaling.js';
import { createApp, ENV } from './support.js';

const MILLION = 1_000_000;
const AUDIT = 'OrderLog/OrderAudit';
const SALES = 'OrderLog/SalesPerMinute';

/** A KafkaLog of its own with an unlimited retention, which OrderLogStack does not offer. */
function unlimitedLog(): Template {
  const app = createApp({
    context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true },
  });
  const stack = new Stack(app, 'KafkaTest', { env: ENV });
  new KafkaLog(stack, 'Log', { topicProvisionerEntry: lambdaEntry('kafka-topic'), retention: 'unlimited' });
  return app.synth().getStackByName('KafkaTest').template as Template;
}

/** The app as it would be without its order log: no cluster, mappings or endpoints. */
function withoutLog(s: AppStructure): AppStructure {
  const { kafka: _, ...rest } = s;
  return { ...rest, vpcEndpoints: [] };
}

/** Every record the relay appends a month: one per outbox entry. */
const recordsOf = (report: CostReport) => Object.values(report.eventStore.outbox).reduce((a, b) => a + b, 0);

const line = (report: CostReport, service: string, item: string): LineItem => {
  const found = report.lines.find((l) => l.service === service && l.item.startsWith(item));
  if (!found)
    throw new Error(`no line '${service}: ${item}' in ${report.lines.map((l) => l.item).join(', ')}`);
  return found;
};
const msk = (report: CostReport, item: string) => line(report, 'MSK Serverless', item);

let synthesized: SynthesizedApp;
let app: AppStructure;

// One synth of the app (no bundling), as bin/app.ts composes it: a few seconds.
beforeAll(() => {
  synthesized = synthesizeApp();
  app = readStructure(synthesized.templates, DEFAULT_VARIANT);
}, 120_000);

describe("the cost model reads the app's order log from its templates", () => {
  it('finds the MSK Serverless cluster and its topic as OrderLogStack builds it: 6 partitions, 7 days', () => {
    // GIVEN the app with its order log (bin/app.ts)  WHEN read from the templates  THEN
    const log = synthesized.stacks.log.log;
    expect(log.partitions).toBe(6);
    expect(app.kafka?.clusters).toEqual(['OrderLog/OrderLog/Cluster']);
    expect(app.kafka?.topics).toEqual([
      {
        cluster: 'OrderLog/OrderLog/Cluster',
        name: ORDER_LOG_TOPIC,
        partitions: log.partitions,
        retentionMs: 7 * 24 * 3600 * 1000,
      },
    ]);
  });

  it("finds both consumer groups' MSK event source mappings with their profiles' batching and provisioned pollers", () => {
    const mappings = app.kafka?.mappings ?? [];
    const profile = (name: 'low-latency' | 'high-throughput') => [
      KAFKA_THROUGHPUT_PROFILES[name].batchSize,
      KAFKA_THROUGHPUT_PROFILES[name].maxBatchingWindow.toSeconds(),
    ];
    expect(mappings.map((m) => [m.function, m.consumerGroup, m.batchSize, m.batchingWindowSeconds])).toEqual([
      [AUDIT, ORDER_LOG_GROUPS.audit, ...profile('low-latency')],
      [SALES, ORDER_LOG_GROUPS.sales, ...profile('high-throughput')],
    ]);
    expect(profile('low-latency')).toEqual([10, 0]);
    expect(profile('high-throughput')).toEqual([1000, 5]);
    for (const m of mappings) {
      expect(m.topic).toBe(ORDER_LOG_TOPIC);
      expect(m.cluster).toBe('OrderLog/OrderLog/Cluster');
      // The maximum defaults to the partitions: a group reads a partition with one consumer.
      expect(m.pollers).toEqual({ minimum: 1, maximum: 6 });
    }
  });

  it("reads the consumers' functions with the log stack's idempotency table and their own table", () => {
    for (const name of [AUDIT, SALES])
      expect(app.functions.find((f) => f.name === name)).toMatchObject({
        idempotencyTable: 'OrderLog/Idempotency',
        dataTable: 'OrderLog/Log',
      });
  });

  it('keeps the MSK mappings out of the queue and stream mappings', () => {
    expect(app.mappings.filter((m) => m.function.startsWith('OrderLog/'))).toEqual([]);
  });

  it("finds KafkaLog's two interface endpoints and the relay's three, one network interface in each of 3 AZs, and not the S3 gateway", () => {
    expect(app.vpcEndpoints?.map((e) => [e.name, e.service, e.zones])).toEqual([
      ['OrderLog/OrderLog/SqsEndpoint', 'sqs', 3],
      ['OrderLog/OrderLog/KafkaEndpoint', 'kafka', 3],
      ['OrderLog/OrderLog/EventBridgeEndpoint', 'events', 3],
      ['OrderLog/OrderLog/SnsEndpoint', 'sns', 3],
      ['OrderLog/OrderLog/XRayEndpoint', 'xray', 3],
    ]);
  });

  it('reads a non-default partition count and an unlimited retention', () => {
    const twelve = readStructure(
      synthesizeApp(DEFAULT_VARIANT, { orderLog: { partitions: 12 } }).templates,
      DEFAULT_VARIANT,
    );
    expect(twelve.kafka?.topics[0]?.partitions).toBe(12);
    expect(twelve.kafka?.mappings.map((m) => m.pollers?.maximum)).toEqual([12, 12]);
    const forever = readStructure({ KafkaTest: unlimitedLog() }, DEFAULT_VARIANT);
    expect(forever.kafka?.topics[0]).toMatchObject({ partitions: 6, retentionMs: 'unlimited' });
  });
});

describe("the order log's consumer groups", () => {
  it('runs OrderAudit (low-latency: no window) once per record at this rate, for 10 + 25 ms', () => {
    const report = costReport(app, MILLION, DEFAULT_ASSUMPTIONS);
    const audit = report.functions.find((f) => f.name === AUDIT);
    // About 1.9 records a second: a fetch finds one.
    expect(recordsOf(report) / SECONDS_PER_MONTH).toBeLessThan(2);
    expect(audit?.records).toBeCloseTo(recordsOf(report), 6);
    expect(audit?.invocations).toBeCloseTo(recordsOf(report), 6);
    expect(audit?.durationMs).toBeCloseTo(35, 9);
  });

  it('hands SalesPerMinute (high-throughput) what arrives in its 5 s window, up to its batch of 1,000', () => {
    for (const orders of [MILLION, 1000 * MILLION]) {
      const report = costReport(app, orders, DEFAULT_ASSUMPTIONS);
      const sales = report.functions.find((f) => f.name === SALES);
      const records = recordsOf(report);
      const perInvocation = Math.min(1000, (records / SECONDS_PER_MONTH) * 5);
      expect(sales?.invocations, `${orders} orders`).toBeCloseTo(records / perInvocation, 3);
      expect(sales?.durationMs, `${orders} orders`).toBeCloseTo(10 + 25 * perInvocation, 6);
    }
  });

  it('bills their invocations and GB-seconds as Lambda, on top of the app without its log', () => {
    const withLog = costReport(app, MILLION, DEFAULT_ASSUMPTIONS);
    const without = costReport(withoutLog(app), MILLION, DEFAULT_ASSUMPTIONS);
    const consumers = withLog.functions.filter((f) => f.name === AUDIT || f.name === SALES);
    expect(consumers).toHaveLength(2);
    const invocations = consumers.reduce((total, f) => total + f.invocations, 0);
    const gbSeconds = consumers.reduce((total, f) => total + f.gbSeconds, 0);
    const delta = (item: string) => line(withLog, 'Lambda', item).units - line(without, 'Lambda', item).units;
    expect(delta('requests')).toBeCloseTo(invocations, 3);
    expect(delta('compute')).toBeCloseTo(gbSeconds, 3);
  });

  it('writes an audit line per record and a 2-item transaction per OrderConfirmed to the Log table, and 2 idempotency units per record per group', () => {
    const report = costReport(app, MILLION, DEFAULT_ASSUMPTIONS);
    const records = recordsOf(report);
    const confirmed = report.eventStore.outbox.OrderConfirmed ?? 0;
    expect(confirmed).toBeCloseTo(0.9 * MILLION, 3);
    const table = (name: string) => report.tables.find((t) => t.name === name);
    expect(table('OrderLog/Log')?.reads).toBe(0);
    expect(table('OrderLog/Log')?.writes).toBeCloseTo(records * 1 + confirmed * 2 * 2, 3);
    expect(table('OrderLog/Idempotency')?.writes).toBeCloseTo(2 * records * 2, 3);
    const without = costReport(withoutLog(app), MILLION, DEFAULT_ASSUMPTIONS);
    const wru = (r: CostReport) => line(r, 'DynamoDB', 'write request units').units;
    expect(wru(report) - wru(without)).toBeCloseTo(records + 4 * confirmed + 4 * records, 3);
  });

  it("prices the Log table's kept items after eventStoreMonths: 265 B an audit line, 48 B a sale marker, 100 B overhead each", () => {
    const report = costReport(app, MILLION, DEFAULT_ASSUMPTIONS);
    const bytes =
      recordsOf(report) * (265 + BILLING.dynamoItemOverheadBytes) +
      (report.eventStore.outbox.OrderConfirmed ?? 0) * (48 + BILLING.dynamoItemOverheadBytes);
    const storage = line(report, 'DynamoDB', 'Log table storage');
    expect(storage.units).toBeCloseTo(gb(bytes) * DEFAULT_ASSUMPTIONS.eventStoreMonths, 6);
    expect(storage.usd).toBeCloseTo(storage.units * PRICES.dynamoStorage.usd, 9);
  });

  it('fails, naming the function, when its table work is per detail type and its source does not tell the types', () => {
    // GIVEN SalesPerMinute fed by a queue (whose messages carry no detail type the model reads)
    const queued: AppStructure = {
      ...app,
      mappings: app.mappings.map((m) =>
        m.queue === 'OrderNotifications/EmailQueue' ? { ...m, function: SALES } : m,
      ),
    };
    expect(() => costReport(queued, MILLION, DEFAULT_ASSUMPTIONS)).toThrow(
      /'SalesPerMinute' works on OrderConfirmed only/,
    );
  });

  it("traces their invocations as any event source's: the sample rate of them, past the reservoir", () => {
    const withLog = costReport(app, MILLION, DEFAULT_ASSUMPTIONS);
    const without = costReport(withoutLog(app), MILLION, DEFAULT_ASSUMPTIONS);
    const invocations = withLog.functions
      .filter((f) => f.name === AUDIT || f.name === SALES)
      .reduce((total, f) => total + f.invocations, 0);
    const traces = (r: CostReport) => line(r, 'X-Ray', 'traces').units;
    expect(traces(withLog) - traces(without)).toBeCloseTo(
      DEFAULT_ASSUMPTIONS.xraySampleRate * invocations,
      3,
    );
  });
});
describe('MSK Serverless line items', () => {
  it('bills 730 cluster-hours a month whatever the traffic', () => {
    for (const orders of [1, MILLION, 100 * MILLION]) {
      const cluster = msk(costReport(app, orders, DEFAULT_ASSUMPTIONS), 'cluster-hours');
      expect(cluster.units, `${orders} orders`).toBe(HOURS_PER_MONTH);
      expect(HOURS_PER_MONTH).toBe(730);
      expect(cluster.usd).toBeCloseTo(730 * PRICES.mskServerlessClusterHour.usd, 6);
      expect(cluster.fixed).toBe(true);
    }
  });

  it('bills partitions x 730 partition-hours, whatever the traffic', () => {
    const twelve = readStructure(
      synthesizeApp(DEFAULT_VARIANT, { orderLog: { partitions: 12 } }).templates,
      DEFAULT_VARIANT,
    );
    for (const [structure, partitions] of [
      [app, 6],
      [twelve, 12],
    ] as const) {
      for (const orders of [1, MILLION]) {
        const hours = msk(costReport(structure, orders, DEFAULT_ASSUMPTIONS), 'partition-hours');
        expect(hours.units).toBe(partitions * 730);
        expect(hours.usd).toBeCloseTo(partitions * 730 * PRICES.mskServerlessPartitionHour.usd, 6);
        expect(hours.fixed).toBe(true);
      }
    }
  });

  it('bills data in for every integration event of the outboxes, one record each, in step with orders', () => {
    const one = costReport(app, MILLION, DEFAULT_ASSUMPTIONS);
    const two = costReport(app, 2 * MILLION, DEFAULT_ASSUMPTIONS);
    const bytes = Object.entries(one.eventStore.outbox).reduce(
      (total, [type, n]) => total + n * (DEFAULT_ASSUMPTIONS.kafkaRecordBytes[type] ?? Number.NaN),
      0,
    );
    // The outbox relay appends every outbox entry: the outcome and each status change, about 4.9 an order.
    expect(one.kafka?.records).toEqual(one.eventStore.outbox);
    expect(Object.values(one.kafka?.records ?? {}).reduce((a, b) => a + b, 0) / MILLION).toBeCloseTo(4.88, 2);
    expect(msk(one, 'data in').units).toBeCloseTo(gb(bytes), 9);
    expect(msk(two, 'data in').units).toBeCloseTo(2 * msk(one, 'data in').units, 9);
    expect(msk(one, 'data in').usd).toBeCloseTo(gb(bytes) * PRICES.mskServerlessDataIn.usd, 9);
  });

  it('bills data out once per consumer group, and storage for the 7 days the topic keeps', () => {
    const report = costReport(app, MILLION, DEFAULT_ASSUMPTIONS);
    const dataIn = msk(report, 'data in').units;
    expect(report.kafka?.consumerGroups).toBe(2);
    expect(msk(report, 'data out').units).toBeCloseTo(2 * dataIn, 9);
    expect(msk(report, 'data out').usd).toBeCloseTo(2 * dataIn * PRICES.mskServerlessDataOut.usd, 9);
    expect(msk(report, 'storage').units).toBeCloseTo((dataIn * 7 * 86_400) / SECONDS_PER_MONTH, 9);
  });

  it('sizes a record from the sample events: their JSON, the orderId key, two headers and the framing', () => {
    const json = Buffer.byteLength(JSON.stringify(orderConfirmed()));
    const bytes = DEFAULT_ASSUMPTIONS.kafkaRecordBytes.OrderConfirmed ?? 0;
    expect(bytes - json).toBeGreaterThan(61 + 12);
    expect(bytes - json).toBeLessThan(250);
    expect(Object.keys(DEFAULT_ASSUMPTIONS.kafkaRecordBytes).sort()).toEqual([
      'OrderCancelled',
      'OrderConfirmed',
      'OrderStatusChanged',
    ]);
  });

  it('holds an event poller unit per mapping outside a poller group, and one for both once they share a group', () => {
    const apart = line(
      costReport(app, MILLION, DEFAULT_ASSUMPTIONS),
      'Lambda (event pollers)',
      'provisioned',
    );
    expect(apart.units).toBe(2 * 730);
    expect(apart.usd).toBeCloseTo(2 * 730 * PRICES.lambdaKafkaEventPollerUnitHour.usd, 6);
    expect(apart.fixed).toBe(true);
    const grouped = costReport(sharedPollerGroup(app), MILLION, DEFAULT_ASSUMPTIONS);
    expect(line(grouped, 'Lambda (event pollers)', 'provisioned').units).toBe(730);
  });

  it("bills each interface endpoint per AZ-hour (KafkaLog's 2 and the relay's 3, x 3 AZs x 730 h)", () => {
    const report = costReport(app, MILLION, DEFAULT_ASSUMPTIONS);
    const hours = line(report, 'VPC endpoints', 'interface endpoint-hours');
    expect(hours.units).toBe(5 * 3 * 730);
    expect(hours.usd).toBeCloseTo(5 * 3 * 730 * PRICES.privateLinkEndpointHour.usd, 6);
    expect(hours.fixed).toBe(true);
  });

  it("bills the GB the endpoints process: the relay's publishes through EventBridge and SNS, and no reads of a provisioned-mode event source", () => {
    const report = costReport(app, MILLION, DEFAULT_ASSUMPTIONS);
    // Every outbox entry is published once, to the bus or to the status stream.
    const published = recordsOf(report) * DEFAULT_ASSUMPTIONS.eventBytes;
    expect(line(report, 'VPC endpoints', 'data processed').units).toBeCloseTo(gb(published), 9);
    // AND an on-demand event source's invokes pass the cluster's VPC: each group's reads count too
    const onDemand: AppStructure = {
      ...app,
      kafka: {
        ...(app.kafka ?? { clusters: [], topics: [], mappings: [] }),
        mappings: (app.kafka?.mappings ?? []).map((m) => ({ ...m, pollers: undefined })),
      },
    };
    const invoked = costReport(onDemand, MILLION, DEFAULT_ASSUMPTIONS);
    expect(line(invoked, 'VPC endpoints', 'data processed').units).toBeCloseTo(
      gb(published + 2 * (invoked.kafka?.bytesIn ?? 0) * DEFAULT_ASSUMPTIONS.endpointBytesPerKafkaByteRead),
      9,
    );
    expect(serviceUsd(invoked, 'Lambda (event pollers)')).toBe(0);
  });

  it('adds nothing for Kafka to the app without its log, and keeps the services its consumers do not use as they were', () => {
    const without = costReport(withoutLog(app), MILLION, DEFAULT_ASSUMPTIONS);
    const withLog = costReport(app, MILLION, DEFAULT_ASSUMPTIONS);
    expect(without.kafka).toBeUndefined();
    expect(without.functions.some((f) => f.name === AUDIT || f.name === SALES)).toBe(false);
    for (const service of ['MSK Serverless', 'Lambda (event pollers)', 'VPC endpoints'])
      expect(serviceUsd(without, service)).toBe(0);
    for (const service of ['SQS', 'SNS', 'EventBridge', 'Step Functions'])
      expect(serviceUsd(withLog, service)).toBeCloseTo(serviceUsd(without, service), 9);
  });
});

describe('MSK Serverless in the scaling view', () => {
  it("checks the topic's ingress and egress, per partition and per cluster, at each scale's peak", () => {
    const view = scalingView(app, MILLION, DEFAULT_ASSUMPTIONS);
    const report = costReport(app, MILLION * DEFAULT_ASSUMPTIONS.peakToAverage, DEFAULT_ASSUMPTIONS);
    const kbps = (report.kafka?.bytesIn ?? 0) / SECONDS_PER_MONTH / 1000;
    const [partitionIn, partitionOut, clusterIn, clusterOut] = view.kafka?.throughput ?? [];
    expect(partitionIn?.check.quota).toBe(MSK_SERVERLESS_QUOTAS.partitionIngressMBps * 1000);
    expect(partitionIn?.check.needed[0]).toBeCloseTo(kbps / 6, 9);
    expect(partitionOut?.check.needed[0]).toBeCloseTo((2 * kbps) / 6, 9);
    expect(clusterIn?.check.needed[0]).toBeCloseTo(kbps, 9);
    expect(clusterOut?.check.needed[0]).toBeCloseTo(2 * kbps, 9);
    // AND they are rows of the quota table too
    expect(view.checks.filter((c) => c.limit.startsWith('MSK Serverless'))).toHaveLength(4);
  });

  it("reaches a partition's 5 MBps long before the cluster's 200 MBps: 6 partitions take 30 MBps at most", () => {
    const view = scalingView(app, MILLION, DEFAULT_ASSUMPTIONS);
    const [partitionIn, , clusterIn] = view.kafka?.throughput ?? [];
    expect(partitionIn?.reachedAt).toBeCloseTo(5000 / (partitionIn?.check.needed[0] ?? 1), 6);
    expect((clusterIn?.reachedAt ?? 0) / (partitionIn?.reachedAt ?? 1)).toBeCloseTo(200 / (6 * 5), 6);
  });
});
