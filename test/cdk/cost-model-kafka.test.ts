import { Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { orderConfirmed } from '../../contracts/samples.js';
import { KAFKA_THROUGHPUT_PROFILES, type KafkaLogProps } from '../../lib/patterns/kafka-log/index.js';
import {
  type AppStructure,
  addPlannedKafkaLog,
  DEFAULT_VARIANT,
  PLANNED_KAFKA_CONSUMERS,
  readStructure,
  synthesizeApp,
  type Template,
  withPlannedKafkaLog,
} from '../../scripts/cost/app-structure.js';
import { DEFAULT_ASSUMPTIONS } from '../../scripts/cost/assumptions.js';
import { HOURS_PER_MONTH, SECONDS_PER_MONTH } from '../../scripts/cost/billing.js';
import { sharedPollerGroup } from '../../scripts/cost/compare.js';
import { type CostReport, costReport, type LineItem, serviceUsd } from '../../scripts/cost/model.js';
import { gb } from '../../scripts/cost/pricers/ledger.js';
import { PRICES } from '../../scripts/cost/prices.js';
import { MSK_SERVERLESS_QUOTAS, scalingView } from '../../scripts/cost/scaling.js';
import { createApp, ENV } from './support.js';

const MILLION = 1_000_000;

/** A stack of a KafkaLog and the two consumers the app is getting, as the cost model synthesizes them. */
function kafkaStack(logProps: Partial<KafkaLogProps> = {}): Template {
  const app = createApp({
    context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true },
  });
  addPlannedKafkaLog(new Stack(app, 'KafkaTest', { env: ENV }), logProps);
  return app.synth().getStackByName('KafkaTest').template as Template;
}

/** The app's structure with the Kafka resources of `template` in place of any it has. */
function withKafkaOf(app: AppStructure, template: Template): AppStructure {
  const read = readStructure({ KafkaTest: template }, DEFAULT_VARIANT);
  return {
    ...app,
    ...(read.kafka ? { kafka: read.kafka } : {}),
    vpcEndpoints: read.vpcEndpoints ?? [],
  };
}

const line = (report: CostReport, service: string, item: string): LineItem => {
  const found = report.lines.find((l) => l.service === service && l.item.startsWith(item));
  if (!found)
    throw new Error(`no line '${service}: ${item}' in ${report.lines.map((l) => l.item).join(', ')}`);
  return found;
};
const msk = (report: CostReport, item: string) => line(report, 'MSK Serverless', item);

let app: AppStructure;
let defaults: AppStructure;

// One synth of the app (no bundling) and one of a KafkaLog stack: a few seconds each.
beforeAll(() => {
  app = readStructure(synthesizeApp().templates, DEFAULT_VARIANT);
  defaults = withKafkaOf(app, kafkaStack());
}, 120_000);

describe('the cost model reads a Kafka log from the templates', () => {
  it('finds the MSK Serverless cluster and its topic with the construct defaults: 6 partitions, 7 days', () => {
    // GIVEN a KafkaLog with its defaults  WHEN read  THEN
    expect(defaults.kafka?.clusters).toHaveLength(1);
    expect(defaults.kafka?.topics).toEqual([
      {
        cluster: defaults.kafka?.clusters[0],
        name: 'orders.events',
        partitions: 6,
        retentionMs: 7 * 24 * 3600 * 1000,
      },
    ]);
    expect(defaults.kafka?.source).toBe('templates');
  });

  it("finds both MSK event source mappings with their profiles' batching and one provisioned poller minimum", () => {
    const mappings = defaults.kafka?.mappings ?? [];
    expect(mappings.map((m) => [m.consumerGroup, m.batchSize, m.batchingWindowSeconds])).toEqual([
      ['order-audit', 10, 0],
      ['sales-per-minute', 1000, 5],
    ]);
    for (const m of mappings) {
      expect(m.topic).toBe('orders.events');
      expect(m.cluster).toBe(defaults.kafka?.clusters[0]);
      // The maximum defaults to the partitions: a group reads a partition with one consumer.
      expect(m.pollers).toEqual({ minimum: 1, maximum: 6 });
    }
  });

  it('keeps the MSK mappings out of the queue and stream mappings', () => {
    const read = readStructure({ KafkaTest: kafkaStack() }, DEFAULT_VARIANT);
    expect(read.mappings).toEqual([]);
  });

  it('finds the four interface endpoints KafkaLog creates, one network interface in each of 3 AZs, and not the S3 gateway', () => {
    expect(defaults.vpcEndpoints?.map((e) => [e.service, e.zones])).toEqual([
      ['lambda', 3],
      ['sts', 3],
      ['sqs', 3],
      ['kafka', 3],
    ]);
  });

  it('reads a non-default partition count and an unlimited retention', () => {
    const read = readStructure(
      { KafkaTest: kafkaStack({ partitions: 12, retention: 'unlimited' }) },
      DEFAULT_VARIANT,
    );
    expect(read.kafka?.topics[0]).toMatchObject({ partitions: 12, retentionMs: 'unlimited' });
  });
});

describe('the planned Kafka log, while the app has none of its own', () => {
  it('is priced from the construct defaults: the same cluster, topic, consumers and endpoints as a KafkaLog stack', () => {
    // GIVEN the app's templates, which have no Kafka log yet
    expect(app.kafka).toBeUndefined();
    // WHEN the planned log is added
    const planned = withPlannedKafkaLog(app);
    // THEN it is the defaults' structure, marked as planned
    expect(planned.kafka?.source).toBe('planned');
    expect(planned.kafka?.topics.map((t) => [t.name, t.partitions, t.retentionMs])).toEqual(
      defaults.kafka?.topics.map((t) => [t.name, t.partitions, t.retentionMs]),
    );
    expect(planned.kafka?.mappings.map((m) => [m.consumerGroup, m.batchSize, m.pollers])).toEqual(
      PLANNED_KAFKA_CONSUMERS.map((c) => [
        c.consumerGroupId,
        KAFKA_THROUGHPUT_PROFILES[c.profile].batchSize,
        { minimum: 1, maximum: 6 },
      ]),
    );
    expect(planned.vpcEndpoints).toEqual(
      defaults.vpcEndpoints?.map((e) => ({ ...e, name: e.name.replace('KafkaTest', 'PlannedKafkaLog') })),
    );
    // AND its alarms are the app's fees too
    expect(planned.counts.alarms).toBeGreaterThan(app.counts.alarms);
  });

  it('leaves an app that has a Kafka log as its templates say', () => {
    expect(withPlannedKafkaLog(defaults)).toBe(defaults);
  });
});

describe('MSK Serverless line items', () => {
  it('bills 730 cluster-hours a month whatever the traffic', () => {
    for (const orders of [1, MILLION, 100 * MILLION]) {
      const cluster = msk(costReport(defaults, orders, DEFAULT_ASSUMPTIONS), 'cluster-hours');
      expect(cluster.units, `${orders} orders`).toBe(HOURS_PER_MONTH);
      expect(HOURS_PER_MONTH).toBe(730);
      expect(cluster.usd).toBeCloseTo(730 * PRICES.mskServerlessClusterHour.usd, 6);
      expect(cluster.fixed).toBe(true);
    }
  });

  it('bills partitions x 730 partition-hours, whatever the traffic', () => {
    for (const [structure, partitions] of [
      [defaults, 6],
      [withKafkaOf(app, kafkaStack({ partitions: 12 })), 12],
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
    const one = costReport(defaults, MILLION, DEFAULT_ASSUMPTIONS);
    const two = costReport(defaults, 2 * MILLION, DEFAULT_ASSUMPTIONS);
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
    const report = costReport(defaults, MILLION, DEFAULT_ASSUMPTIONS);
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
      costReport(defaults, MILLION, DEFAULT_ASSUMPTIONS),
      'Lambda (event pollers)',
      'provisioned',
    );
    expect(apart.units).toBe(2 * 730);
    expect(apart.usd).toBeCloseTo(2 * 730 * PRICES.lambdaKafkaEventPollerUnitHour.usd, 6);
    expect(apart.fixed).toBe(true);
    const grouped = costReport(sharedPollerGroup(defaults), MILLION, DEFAULT_ASSUMPTIONS);
    expect(line(grouped, 'Lambda (event pollers)', 'provisioned').units).toBe(730);
  });

  it('bills each interface endpoint per AZ-hour (4 endpoints x 3 AZs x 730 h) and the GB it processes', () => {
    const report = costReport(defaults, MILLION, DEFAULT_ASSUMPTIONS);
    const hours = line(report, 'VPC endpoints', 'interface endpoint-hours');
    expect(hours.units).toBe(4 * 3 * 730);
    expect(hours.usd).toBeCloseTo(4 * 3 * 730 * PRICES.privateLinkEndpointHour.usd, 6);
    const processed = line(report, 'VPC endpoints', 'data processed');
    expect(processed.units).toBeCloseTo(
      msk(report, 'data out').units * DEFAULT_ASSUMPTIONS.endpointBytesPerKafkaByteRead,
      9,
    );
  });

  it('adds nothing for Kafka to an app without a log, and keeps the other services as they were', () => {
    const without = costReport(app, MILLION, DEFAULT_ASSUMPTIONS);
    const withLog = costReport(defaults, MILLION, DEFAULT_ASSUMPTIONS);
    expect(without.kafka).toBeUndefined();
    for (const service of ['MSK Serverless', 'Lambda (event pollers)', 'VPC endpoints'])
      expect(serviceUsd(without, service)).toBe(0);
    for (const service of ['Lambda', 'SQS', 'SNS', 'DynamoDB', 'Step Functions'])
      expect(serviceUsd(withLog, service)).toBeCloseTo(serviceUsd(without, service), 9);
  });
});

describe('MSK Serverless in the scaling view', () => {
  it("checks the topic's ingress and egress, per partition and per cluster, at each scale's peak", () => {
    const view = scalingView(defaults, MILLION, DEFAULT_ASSUMPTIONS);
    const report = costReport(defaults, MILLION * DEFAULT_ASSUMPTIONS.peakToAverage, DEFAULT_ASSUMPTIONS);
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
    const view = scalingView(defaults, MILLION, DEFAULT_ASSUMPTIONS);
    const [partitionIn, , clusterIn] = view.kafka?.throughput ?? [];
    expect(partitionIn?.reachedAt).toBeCloseTo(5000 / (partitionIn?.check.needed[0] ?? 1), 6);
    expect((clusterIn?.reachedAt ?? 0) / (partitionIn?.reachedAt ?? 1)).toBeCloseTo(200 / (6 * 5), 6);
  });
});
