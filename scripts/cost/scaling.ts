import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../shared/paths.js';
import { shortName } from '../shared/resource-names.js';
import { markdownTable } from '../shared/table.js';
import type { AppStructure } from './app-structure.js';
import type { Assumptions } from './assumptions.js';
import { SECONDS_PER_MONTH } from './billing.js';
import { count, percent } from './format.js';
import { type CostReport, costReport } from './model.js';

/**
 * Default quotas in us-east-1 (soft ones can be raised through Service Quotas), as published
 * in each service's quotas page on QUOTAS_AS_OF.
 */
export const QUOTAS_AS_OF = '2026-11-27';
export const QUOTAS = {
  putEventsPerSecond: 10_000,
  targetInvocationsPerSecond: 18_750,
  snsPublishPerSecond: 30_000,
  snsFifoPublishPerSecond: 300,
  standardStartExecutionPerSecond: 300,
  standardStateTransitionsPerSecond: 5_000,
  expressStartExecutionPerSecond: 6_000,
  lambdaAccountConcurrency: 1_000,
  sqsStandardInFlight: 120_000,
  sqsFifoInFlight: 20_000,
  dynamoPartitionWcu: 1_000,
  dynamoTableOnDemandWru: 40_000,
} as const;

/** Where the MSK Serverless quotas below come from (checked on QUOTAS_AS_OF). */
export const MSK_SERVERLESS_QUOTAS_SOURCE =
  'https://docs.aws.amazon.com/msk/latest/developerguide/limits.html#serverless-quota';

/**
 * MSK Serverless quotas, per cluster unless stated (MB = 10^6 bytes). Confirmed against a
 * current copy of the quota table (the stored page itself only gave its opening): throughput
 * past a limit is throttled, not refused.
 */
export const MSK_SERVERLESS_QUOTAS = {
  ingressMBps: 200,
  egressMBps: 400,
  partitionIngressMBps: 5,
  partitionEgressMBps: 10,
  /** Partition leaders, non-compacted topics (compacted: compactedPartitions). */
  partitions: 2_400,
  compactedPartitions: 120,
  clientConnections: 3_000,
  connectionAttemptsPerSecond: 100,
  messageBytes: 8 * 1024 * 1024,
  /** Retention: unlimited (retention.ms -1). */
  retention: 'unlimited',
  consumerGroups: 500,
} as const;

export const SCALES = [1, 10, 100, 1000] as const;

export interface Check {
  readonly limit: string;
  readonly quota: number;
  readonly unit: string;
  /** What each scale needs, at the peak rate. */
  readonly needed: readonly number[];
  readonly movedBy: string;
}

export interface FunctionConcurrency {
  readonly name: string;
  readonly durationMs: readonly number[];
  /** Little's law: invocations per second x seconds per invocation, at each scale's peak. */
  readonly concurrency: readonly number[];
  readonly cap: number | undefined;
}

/** The Kafka log's topic against the MSK Serverless quotas. */
export interface KafkaScaling {
  readonly topic: string;
  readonly partitions: number;
  readonly retentionMs: number | 'unlimited';
  readonly consumerGroups: number;
  /** Bytes of the smallest and the largest record. */
  readonly recordBytes: readonly [number, number];
  /** The throughput checks (also in `checks`), and the multiple of the baseline each is reached at. */
  readonly throughput: ReadonlyArray<{
    readonly label: string;
    readonly check: Check;
    readonly reachedAt: number;
  }>;
}

export interface ScalingView {
  readonly baselineOrders: number;
  readonly peakToAverage: number;
  readonly peakOrdersPerSecond: readonly number[];
  readonly checks: readonly Check[];
  readonly functions: readonly FunctionConcurrency[];
  /** The Kafka log, if the app has one. */
  readonly kafka?: KafkaScaling;
}

const perSecond = (monthly: number) => monthly / SECONDS_PER_MONTH;

/**
 * What each quota must carry at 1x, 10x, 100x and 1,000x the baseline, at the peak rate: the
 * model is run at the month a sustained peak would make, so batching is as fill as it would be.
 */
export function scalingView(structure: AppStructure, baselineOrders: number, a: Assumptions): ScalingView {
  const reports: CostReport[] = SCALES.map((s) =>
    costReport(structure, baselineOrders * s * a.peakToAverage, a),
  );
  const each = (f: (r: CostReport) => number) => reports.map(f);
  const express = structure.stateMachines[0]?.type === 'EXPRESS';
  const concurrencyOf = (r: CostReport, name: string) => {
    const fn = r.functions.find((f) => f.name === name);
    return fn ? perSecond(fn.invocations) * (fn.durationMs / 1000) : 0;
  };
  const names = reports[0]?.functions.map((f) => f.name) ?? [];
  const functions: FunctionConcurrency[] = names.map((name) => ({
    name,
    durationMs: each((r) => r.functions.find((f) => f.name === name)?.durationMs ?? 0),
    concurrency: each((r) => concurrencyOf(r, name)),
    cap: reports[0]?.functions.find((f) => f.name === name)?.maxConcurrency,
  }));
  const inFlight = (r: CostReport, fifo: boolean) =>
    Math.max(
      0,
      ...r.queues
        .filter((q) => q.fifo === fifo && q.consumer)
        .map((q) => concurrencyOf(r, q.consumer ?? '') * (q.perInvocation ?? 0)),
    );
  const hottestTable = (r: CostReport) => Math.max(0, ...r.tables.map((t) => perSecond(t.writes)));
  /** A quota on the rate of one of the reports' monthly volumes. */
  const rate = (
    limit: string,
    quota: number,
    unit: string,
    volume: keyof CostReport['volumes'],
    movedBy: string,
  ): Check => ({ limit, quota, unit, needed: each((r) => perSecond(r.volumes[volume])), movedBy });

  const kafka = kafkaScaling(structure, reports, a);
  const checks: Check[] = [
    rate(
      'EventBridge PutEvents',
      QUOTAS.putEventsPerSecond,
      'requests/s',
      'busEvents',
      'quota increase; put up to 10 entries per call (EventPublisher batches)',
    ),
    rate(
      'EventBridge target invocations',
      QUOTAS.targetInvocationsPerSecond,
      'invocations/s',
      'targetInvocations',
      'quota increase; fewer rule targets per event: fan out behind one target with FanOutTopic',
    ),
    rate(
      'SNS Publish (standard topics)',
      QUOTAS.snsPublishPerSecond,
      'publishes/s',
      'snsPublishes',
      'quota increase',
    ),
    rate(
      'SNS FIFO topic publishes',
      QUOTAS.snsFifoPublishPerSecond,
      'publishes/s',
      'snsFifoPublishes',
      'FIFO high-throughput mode (not a FanOutTopic prop yet); spread message groups',
    ),
    express
      ? rate(
          'Step Functions StartExecution (Express)',
          QUOTAS.expressStartExecutionPerSecond,
          'starts/s',
          'sagaExecutions',
          'quota increase',
        )
      : rate(
          'Step Functions StartExecution (Standard)',
          QUOTAS.standardStartExecutionPerSecond,
          'starts/s',
          'sagaExecutions',
          'Saga stateMachineType EXPRESS (OrderFulfilmentStack stateMachineType); quota increase',
        ),
    ...(express
      ? []
      : [
          rate(
            'Step Functions state transitions (Standard)',
            QUOTAS.standardStateTransitionsPerSecond,
            'transitions/s',
            'stateTransitions',
            'Saga stateMachineType EXPRESS (no transition quota); fewer states per step',
          ),
        ]),
    {
      limit: 'Lambda concurrency (account)',
      quota: QUOTAS.lambdaAccountConcurrency,
      unit: 'concurrent',
      needed: SCALES.map((_, i) => functions.reduce((total, f) => total + (f.concurrency[i] ?? 0), 0)),
      movedBy:
        'quota increase; QueueConsumer profile / batchSize / maxBatchingWindow (fewer, fuller invocations)',
    },
    ...functions
      .filter((f) => f.cap !== undefined)
      .map((f) => ({
        limit: `${shortName(f.name)} event source maxConcurrency`,
        quota: f.cap ?? 0,
        unit: 'concurrent',
        needed: f.concurrency,
        movedBy: 'QueueConsumer maxConcurrency (2-1000), or profile high-throughput (50, bigger batches)',
      })),
    {
      limit: 'SQS in-flight messages (standard queue)',
      quota: QUOTAS.sqsStandardInFlight,
      unit: 'messages',
      needed: each((r) => inFlight(r, false)),
      movedBy: 'QueueConsumer maxConcurrency x batchSize bounds it',
    },
    {
      limit: 'SQS in-flight messages (FIFO queue)',
      quota: QUOTAS.sqsFifoInFlight,
      unit: 'messages',
      needed: each((r) => inFlight(r, true)),
      movedBy: 'QueueConsumer maxConcurrency x batchSize bounds it',
    },
    {
      limit: 'DynamoDB on-demand table throughput (busiest table)',
      quota: QUOTAS.dynamoTableOnDemandWru,
      unit: 'WRU/s',
      needed: each(hottestTable),
      movedBy:
        'quota increase (per table); warm throughput; fewer writes per order (idempotency records, event-store appends)',
    },
    {
      limit: 'DynamoDB partition (best-selling SKU stock item)',
      quota: QUOTAS.dynamoPartitionWcu,
      unit: 'WCU/s',
      needed: each((r) => perSecond(r.orders) * a.hottestSkuShare * 2),
      movedBy: 'shard hot stock items (code, not a prop): one item takes at most 1,000 WCU/s',
    },
    ...(kafka?.throughput.map((t) => t.check) ?? []),
  ];
  return {
    baselineOrders,
    peakToAverage: a.peakToAverage,
    peakOrdersPerSecond: SCALES.map((s) => perSecond(baselineOrders * s * a.peakToAverage)),
    checks,
    functions,
    ...(kafka ? { kafka } : {}),
  };
}

/** KB (10^3 bytes) a second of a month's bytes. */
const kbPerSecond = (bytes: number) => perSecond(bytes) / 1000;

/**
 * The Kafka topic's ingress and egress at each scale's peak, against MSK Serverless's per-cluster
 * and per-partition limits. Records are keyed by orderId, so they spread evenly over the
 * partitions: the busiest partition carries its share. Throughput is linear in orders, so each
 * limit is reached at quota / (what 1x needs) times the baseline.
 */
function kafkaScaling(
  structure: AppStructure,
  reports: readonly CostReport[],
  a: Assumptions,
): KafkaScaling | undefined {
  const topic = reports[0]?.kafka?.topic;
  if (!structure.kafka || !topic) return undefined;
  const q = MSK_SERVERLESS_QUOTAS;
  const partitions = topic.partitions;
  const each = (f: (bytesIn: number, bytesOut: number) => number) =>
    reports.map((r) => f(r.kafka?.bytesIn ?? 0, r.kafka?.bytesOut ?? 0));
  const partitionsProp = `KafkaLog partitions (now ${partitions}, up to 2,400; adding them moves keys)`;
  const clusterProp = 'split the topics over a second cluster: partitions do not raise it';
  const labels = [
    `a partition's ingress (${q.partitionIngressMBps} MBps)`,
    `a partition's egress (${q.partitionEgressMBps} MBps)`,
    `the cluster's ingress (${q.ingressMBps} MBps)`,
    `the cluster's egress (${q.egressMBps} MBps)`,
  ];
  const checks: Check[] = [
    {
      limit: 'MSK Serverless ingress (busiest partition)',
      quota: q.partitionIngressMBps * 1000,
      unit: 'KB/s',
      needed: each((bytesIn) => kbPerSecond(bytesIn) / partitions),
      movedBy: partitionsProp,
    },
    {
      limit: 'MSK Serverless egress (busiest partition)',
      quota: q.partitionEgressMBps * 1000,
      unit: 'KB/s',
      needed: each((_, bytesOut) => kbPerSecond(bytesOut) / partitions),
      movedBy: 'KafkaLog partitions; fewer consumer groups (each reads every record)',
    },
    {
      limit: 'MSK Serverless ingress (cluster)',
      quota: q.ingressMBps * 1000,
      unit: 'KB/s',
      needed: each((bytesIn) => kbPerSecond(bytesIn)),
      movedBy: clusterProp,
    },
    {
      limit: 'MSK Serverless egress (cluster)',
      quota: q.egressMBps * 1000,
      unit: 'KB/s',
      needed: each((_, bytesOut) => kbPerSecond(bytesOut)),
      movedBy: 'a second cluster; fewer consumer groups',
    },
  ];
  const sizes = Object.values(a.kafkaRecordBytes);
  return {
    topic: topic.name,
    partitions,
    retentionMs: topic.retentionMs,
    consumerGroups: reports[0]?.kafka?.consumerGroups ?? 0,
    recordBytes: [Math.min(...sizes), Math.max(...sizes)],
    throughput: checks.map((check, i) => ({
      label: labels[i] ?? check.limit,
      check,
      reachedAt: (check.needed[0] ?? 0) > 0 ? check.quota / (check.needed[0] ?? 1) : Number.POSITIVE_INFINITY,
    })),
  };
}

const scaleHeader = (s: number) => `${s.toLocaleString('en-US')}x`;

/** The scaling view as Markdown: the quota table and the Little's law table. */
export function scalingMarkdown(view: ScalingView): string {
  const cell = (needed: number, quota: number) =>
    `${count(needed)} (${percent(needed / quota)})${needed > quota ? ' **over**' : ''}`;
  const quotas = markdownTable(
    ['limit (us-east-1 default)', ...SCALES.map(scaleHeader), 'what moves it'],
    view.checks.map((c) => [
      `${c.limit}: ${count(c.quota)} ${c.unit}`,
      ...c.needed.map((n) => cell(n, c.quota)),
      c.movedBy,
    ]),
  );
  const little = markdownTable(
    ['function', 'ms per invocation (1x → 1,000x)', ...SCALES.map(scaleHeader), 'cap'],
    view.functions.map((f) => [
      shortName(f.name),
      `${Math.round(f.durationMs[0] ?? 0)} → ${Math.round(f.durationMs.at(-1) ?? 0)}`,
      ...f.concurrency.map((c) => count(c)),
      f.cap === undefined ? '-' : String(f.cap),
    ]),
  );
  const peaks = SCALES.map((s, i) => `${scaleHeader(s)} ${count(view.peakOrdersPerSecond[i] ?? 0)}`).join(
    ', ',
  );
  return [
    `Baseline ${count(view.baselineOrders)} orders a month; peak ${view.peakToAverage}x the average rate: peak orders per second ${peaks}. Each cell: what the peak needs (share of the default quota).`,
    '',
    quotas,
    '',
    ...(view.kafka ? [kafkaMarkdown(view.kafka), ''] : []),
    "Concurrent executions per function at the peak (Little's law, L = λ·W: invocations per second x seconds per invocation):",
    '',
    little,
  ].join('\n');
}

/** A multiple of the baseline in two significant figures: 4,900x, 33,000x. */
const multiple = (n: number) =>
  Number.isFinite(n) ? `${Number(n.toPrecision(2)).toLocaleString('en-US')}x` : 'never';

const days = (ms: number | 'unlimited') =>
  ms === 'unlimited' ? 'unlimited' : `${Math.round(ms / 86_400_000)} days`;

/** The MSK Serverless quotas against the Kafka log, and which throughput limit it reaches first. */
function kafkaMarkdown(k: KafkaScaling): string {
  const q = MSK_SERVERLESS_QUOTAS;
  const perSec = (kb: number) => `${count(kb)} KB/s`;
  const at1x = (i: number) => k.throughput[i]?.check.needed[0] ?? 0;
  const peakAt1000 = (i: number) => k.throughput[i]?.check.needed.at(-1) ?? 0;
  const rows = [
    [
      'ingress (cluster)',
      `${q.ingressMBps} MBps`,
      `${perSec(at1x(2))} at 1x, ${perSec(peakAt1000(2))} at 1,000x`,
    ],
    [
      'egress (cluster)',
      `${q.egressMBps} MBps`,
      `${perSec(at1x(3))} at 1x, ${perSec(peakAt1000(3))} at 1,000x`,
    ],
    [
      'ingress per partition',
      `${q.partitionIngressMBps} MBps`,
      `${perSec(at1x(0))} at 1x (${k.partitions} partitions)`,
    ],
    [
      'egress per partition',
      `${q.partitionEgressMBps} MBps`,
      `${perSec(at1x(1))} at 1x (${k.consumerGroups} consumer groups)`,
    ],
    [
      'partitions (leaders)',
      `${count(q.partitions)} non-compacted, ${q.compactedPartitions} compacted`,
      `${k.partitions} (topic ${k.topic}, delete policy)`,
    ],
    [
      'client connections',
      count(q.clientConnections),
      "not modelled: the relay's execution environments, the topic provisioner and the event pollers each hold some",
    ],
    [
      'connection attempts',
      `${q.connectionAttemptsPerSecond} a second`,
      'not modelled: each new relay execution environment connects (a burst of cold starts)',
    ],
    ['message size', '8 MiB', `${k.recordBytes[0]}-${k.recordBytes[1]} bytes a record`],
    ['retention', q.retention, days(k.retentionMs)],
    ['consumer groups', String(q.consumerGroups), String(k.consumerGroups)],
  ];
  const order = [...k.throughput].sort((x, y) => x.reachedAt - y.reachedAt);
  const [first, ...rest] = order;
  const ceiling = k.partitions * q.partitionIngressMBps;
  const breaks = first
    ? `${first.label} is reached first, at about ${multiple(first.reachedAt)} the baseline${rest.length > 0 ? `; then ${rest.map((r) => `${r.label} at ${multiple(r.reachedAt)}`).join(', ')}` : ''}`
    : 'no throughput limit is reached';
  return [
    `MSK Serverless quotas (per cluster unless stated; ${MSK_SERVERLESS_QUOTAS_SOURCE}) against the Kafka log (read from the app's templates); the throughput rows are also in the table above:`,
    '',
    markdownTable(['MSK Serverless quota', 'default', 'this app'], rows),
    '',
    `The topic's throughput grows in step with orders, and records keyed by orderId spread evenly over its ${k.partitions} partitions: at the peak, ${breaks}. So the topic takes at most ${ceiling} MBps in (${k.partitions} x ${q.partitionIngressMBps} MBps), ${percent(ceiling / q.ingressMBps)} of the cluster's ${q.ingressMBps} MBps: add partitions long before the cluster's limit matters.`,
  ].join('\n');
}

export const SCALING_DOC = path.join('docs', 'scaling.md');
const START =
  '<!-- cost-scaling:start (generated by npm run cost -- --orders-per-month 1e6 --scaling --write-docs; do not edit) -->';
const END = '<!-- cost-scaling:end -->';

/** The document with the generated section between its markers replaced by `tables`. */
export function withScalingSection(doc: string, tables: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${SCALING_DOC} lacks the generated-section markers.`);
  return `${doc.slice(0, start + START.length)}\n${tables}\n${doc.slice(end)}`;
}

/** The monthly orders docs/scaling.md is computed for (its CDK test uses the same). */
export const SCALING_DOC_ORDERS = 1_000_000;

/** Rewrite the generated tables of docs/scaling.md from `view`, keeping the prose around them. */
export function writeScalingDoc(view: ScalingView): void {
  const file = path.join(ROOT, SCALING_DOC);
  writeFileSync(file, withScalingSection(readFileSync(file, 'utf8'), scalingMarkdown(view)));
}
