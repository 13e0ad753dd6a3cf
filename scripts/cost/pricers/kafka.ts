import type { KafkaMappingInfo, KafkaStructure, KafkaTopicInfo } from '../app-structure.js';
import { batching, HOURS_PER_MONTH, SECONDS_PER_MONTH } from '../billing.js';
import { BILLING, PRICES } from '../prices.js';
import type { EventStoreTraffic } from './event-store.js';
import { BUS_EVENTS } from './eventbridge.js';
import { durationOf, type FunctionLoad, gb, type Ledger, sum } from './ledger.js';

/** The Kafka log's month: what the outbox relay appends and its consumer groups read. */
export interface KafkaTraffic {
  /** The topic the relay appends to, if the cluster has one. */
  readonly topic: KafkaTopicInfo | undefined;
  /** Records appended a month, per detail type: every integration event of the outboxes. */
  readonly records: Readonly<Record<string, number>>;
  /** Bytes written to the topic a month. */
  readonly bytesIn: number;
  /** Bytes read from it a month: each consumer group reads every record once. */
  readonly bytesOut: number;
  readonly consumerGroups: number;
  /** Event poller units the provisioned mappings hold (each billed every hour). */
  readonly eventPollerUnits: number;
}

const MB = 1e6;

/**
 * Event poller units of provisioned Kafka mappings: mappings in one poller group share EPUs,
 * a mapping outside any group has its own. A set of mappings needs an EPU per 10 of its
 * minimum pollers and per 20 MB/s it polls, and at least one.
 */
export function eventPollerUnits(
  mappings: readonly KafkaMappingInfo[],
  mbpsOf: (m: KafkaMappingInfo) => number,
) {
  const sets = new Map<string, KafkaMappingInfo[]>();
  mappings.forEach((m, i) => {
    if (!m.pollers) return;
    const key = m.pollers.group !== undefined ? `group:${m.pollers.group}` : `mapping:${i}`;
    sets.set(key, [...(sets.get(key) ?? []), m]);
  });
  return sum(
    [...sets.values()].map((set) =>
      Math.max(
        1,
        Math.ceil(sum(set.map((m) => m.pollers?.minimum ?? 0)) / BILLING.kafkaPollersPerEpu),
        Math.ceil(sum(set.map(mbpsOf)) / BILLING.kafkaEpuMBps),
      ),
    ),
  );
}

/** The topic the outbox relay appends to: the log's only one (the model prices no other). */
function relayTopic(kafka: KafkaStructure): KafkaTopicInfo | undefined {
  if (kafka.topics.length > 1)
    throw new Error(
      `the Kafka log has ${kafka.topics.length} topics (${kafka.topics.map((t) => t.name).join(', ')}); the model prices the relay's one.`,
    );
  return kafka.topics[0];
}

/** The mappings reading the relay's topic: one consumer group each. */
const readersOf = (kafka: KafkaStructure, topic: KafkaTopicInfo | undefined) =>
  kafka.mappings.filter((m) => m.topic === topic?.name);

/**
 * The consumer groups' functions: each group's MSK event source hands its function every
 * record of the topic (every outbox entry, whatever its detail type), batched as its profile
 * says: what arrives while the poller gathers (the batching window, or one fetch without one),
 * at least one record and at most batchSize. Each invocation bills the function's time per
 * invocation and per record, as a queue consumer's does.
 */
export function kafkaConsumerLoad(ledger: Ledger, store: EventStoreTraffic, load: FunctionLoad): void {
  const { structure, a } = ledger;
  if (!structure.kafka) return;
  const topic = relayTopic(structure.kafka);
  if (!topic) return;
  const records = sum(Object.values(store.outbox));
  for (const m of readersOf(structure.kafka, topic)) {
    const d = durationOf(structure.functions, m.function, a);
    const b = batching({
      messages: records,
      batchSize: m.batchSize,
      windowSeconds: m.batchingWindowSeconds,
      unbatchedGatherSeconds: a.unbatchedGatherSeconds,
    });
    load.use(
      m.function,
      b.invocations,
      records,
      d.perInvocationMs + d.perRecordMs * b.perInvocation,
      store.outbox,
    );
  }
}

/**
 * MSK Serverless: cluster-hours and partition-hours whatever the traffic; the outbox relay's
 * appends (every integration event of the store's outboxes, one record each) as data in, each
 * consumer group's reads as data out, and what the topic's retention keeps as storage. And the
 * Lambda event poller units its provisioned event source mappings hold.
 */
export function priceKafka(ledger: Ledger, store: EventStoreTraffic): KafkaTraffic | undefined {
  const { structure, a } = ledger;
  const kafka = structure.kafka;
  if (!kafka) return undefined;
  const topic = relayTopic(kafka);
  const clusterHours = kafka.clusters.length * HOURS_PER_MONTH;
  ledger.add({
    service: 'MSK Serverless',
    item: 'cluster-hours',
    units: clusterHours,
    unit: 'cluster-hours',
    usd: clusterHours * PRICES.mskServerlessClusterHour.usd,
    fixed: true,
  });
  const partitionHours = sum(kafka.topics.map((t) => t.partitions)) * HOURS_PER_MONTH;
  ledger.add({
    service: 'MSK Serverless',
    item: `partition-hours (${kafka.topics.map((t) => `${t.name}, ${t.partitions} partitions`).join(', ') || 'no topics'})`,
    units: partitionHours,
    unit: 'partition-hours',
    usd: partitionHours * PRICES.mskServerlessPartitionHour.usd,
    fixed: true,
  });

  const records: Record<string, number> = {};
  let bytesIn = 0;
  if (topic) {
    for (const [type, n] of Object.entries(store.outbox)) {
      const bytes = a.kafkaRecordBytes[type];
      if (bytes === undefined) throw new Error(`no kafkaRecordBytes assumption for detail type '${type}'.`);
      records[type] = n;
      bytesIn += n * bytes;
    }
  }
  const readers = readersOf(kafka, topic);
  const consumerGroups = new Set(readers.map((m) => m.consumerGroup)).size;
  const bytesOut = bytesIn * consumerGroups;
  ledger.add({
    service: 'MSK Serverless',
    item: 'data in (the outbox relay appends every integration event)',
    units: gb(bytesIn),
    unit: 'GB',
    usd: gb(bytesIn) * PRICES.mskServerlessDataIn.usd,
  });
  ledger.add({
    service: 'MSK Serverless',
    item: `data out (${consumerGroups} consumer groups read every record)`,
    units: gb(bytesOut),
    unit: 'GB',
    usd: gb(bytesOut) * PRICES.mskServerlessDataOut.usd,
  });
  if (topic) {
    const kept =
      topic.retentionMs === 'unlimited'
        ? {
            gbMonths: gb(bytesIn) * a.eventStoreMonths,
            what: `kept forever: after ${a.eventStoreMonths} months`,
          }
        : {
            gbMonths: (gb(bytesIn) * topic.retentionMs) / 1000 / SECONDS_PER_MONTH,
            what: `${Math.round((topic.retentionMs / 86_400_000) * 10) / 10} days retained`,
          };
    ledger.add({
      service: 'MSK Serverless',
      item: `storage (${kept.what})`,
      units: kept.gbMonths,
      unit: 'GB-months',
      usd: kept.gbMonths * PRICES.mskServerlessStorage.usd,
    });
  }

  const mbpsRead = bytesIn / SECONDS_PER_MONTH / MB;
  const provisioned = kafka.mappings.filter((m) => m.pollers);
  const epus = eventPollerUnits(provisioned, (m) => (m.topic === topic?.name ? mbpsRead : 0));
  if (provisioned.length > 0)
    ledger.add({
      service: 'Lambda (event pollers)',
      item: `provisioned pollers of ${provisioned.length} MSK event source mappings (${epus} EPUs)`,
      units: epus * HOURS_PER_MONTH,
      unit: 'EPU-hours',
      usd: epus * HOURS_PER_MONTH * PRICES.lambdaKafkaEventPollerUnitHour.usd,
      fixed: true,
    });
  return { topic, records, bytesIn, bytesOut, consumerGroups, eventPollerUnits: epus };
}

/**
 * Interface VPC endpoints: an hourly fee per endpoint per Availability Zone, and the GB they
 * process. Those are what the log's VPC clients call AWS with: the outbox relay's publishes, to
 * the bus through an EventBridge endpoint and to the status stream through an SNS one; and what
 * an on-demand MSK event source invokes its function with, as its invoke goes through the
 * cluster's VPC (endpointBytesPerKafkaByteRead). A provisioned-mode event source invokes
 * outside it, so its reads pass no endpoint (with-msk-cluster-network.html).
 */
export function priceVpcEndpoints(
  ledger: Ledger,
  store: EventStoreTraffic,
  kafka: KafkaTraffic | undefined,
): void {
  const { structure, a } = ledger;
  const endpoints = structure.vpcEndpoints ?? [];
  if (endpoints.length === 0) return;
  const zoneHours = sum(endpoints.map((e) => e.zones)) * HOURS_PER_MONTH;
  const services = endpoints.map((e) => `${e.service} x${e.zones} AZs`).join(', ');
  ledger.add({
    service: 'VPC endpoints',
    item: `interface endpoint-hours (${services})`,
    units: zoneHours,
    unit: 'endpoint-AZ-hours',
    usd: zoneHours * PRICES.privateLinkEndpointHour.usd,
    fixed: true,
  });
  const through = new Set(endpoints.map((e) => e.service));
  const onBus = (type: string) => (BUS_EVENTS as readonly string[]).includes(type);
  const published = sum(
    Object.entries(store.outbox)
      .filter(([type]) => through.has(onBus(type) ? 'events' : 'sns'))
      .map(([, n]) => n * a.eventBytes),
  );
  const onDemandGroups = new Set(
    (structure.kafka?.mappings ?? [])
      .filter((m) => !m.pollers && m.topic === kafka?.topic?.name)
      .map((m) => m.consumerGroup),
  ).size;
  const invoked = (kafka?.bytesIn ?? 0) * onDemandGroups * a.endpointBytesPerKafkaByteRead;
  const processed = gb(published + invoked);
  ledger.add({
    service: 'VPC endpoints',
    item: `data processed (the outbox relay's publishes; ${onDemandGroups} on-demand MSK event sources' invokes)`,
    units: processed,
    unit: 'GB',
    usd: processed * PRICES.privateLinkDataProcessed.usd,
  });
}
