import { markdownTable } from '../shared/table.js';
import { type AppStructure, readStructure, synthesizeApp } from './app-structure.js';
import type { Assumptions } from './assumptions.js';
import { count, usd } from './format.js';
import { type CostReport, costReport, serviceUsd } from './model.js';

/** The app as deployed, and with each alternative the comparisons price. */
export interface Alternatives {
  readonly base: AppStructure;
  /** The saga as an EXPRESS state machine; all else as deployed. */
  readonly express: AppStructure;
  /** The notification consumers on the high-throughput profile; all else as deployed. */
  readonly highThroughput: AppStructure;
}

/**
 * Two synths: the deployed app, and one with both alternatives. They live in different stacks,
 * so each alternative is the deployed templates with its own stack swapped in.
 */
export function synthesizeAlternatives(): Alternatives {
  const base = synthesizeApp({ profile: 'low-latency', sagaType: 'STANDARD' }).templates;
  const other = synthesizeApp({ profile: 'high-throughput', sagaType: 'EXPRESS' }).templates;
  const swap = (stack: string) => ({ ...base, [stack]: other[stack] ?? {} }) as typeof base;
  return {
    base: readStructure(base, { profile: 'low-latency', sagaType: 'STANDARD' }),
    express: readStructure(swap('OrderFulfilment'), { profile: 'low-latency', sagaType: 'EXPRESS' }),
    highThroughput: readStructure(swap('OrderNotifications'), {
      profile: 'high-throughput',
      sagaType: 'STANDARD',
    }),
  };
}

export interface ComparisonRow {
  readonly variant: string;
  /** USD a month of the services the choice changes. */
  readonly focusUsd: number;
  readonly totalUsd: number;
}

export interface Comparison {
  readonly title: string;
  readonly focus: readonly string[];
  readonly rows: readonly ComparisonRow[];
  readonly note: string;
}

/** The topics a bus rule feeds: the fan-outs EventBridge could do itself. */
const ruleFedTopics = (s: AppStructure) =>
  s.rules.flatMap((r) => r.targets.filter((t) => t.kind === 'topic').map((t) => t.name));

/** The app with every provisioned Kafka mapping in one poller group (PollerGroupName), sharing EPUs. */
export function sharedPollerGroup(s: AppStructure, group = 'shared'): AppStructure {
  if (!s.kafka) return s;
  return {
    ...s,
    kafka: {
      ...s.kafka,
      mappings: s.kafka.mappings.map((m) => (m.pollers ? { ...m, pollers: { ...m.pollers, group } } : m)),
    },
  };
}

export function comparisons(alts: Alternatives, orders: number, a: Assumptions): Comparison[] {
  const row = (variant: string, report: CostReport, focus: readonly string[]): ComparisonRow => ({
    variant,
    focusUsd: focus.reduce((total, service) => total + serviceUsd(report, service), 0),
    totalUsd: report.totalUsd,
  });
  const compare = (
    title: string,
    focus: readonly string[],
    variants: ReadonlyArray<[string, CostReport]>,
    note: string,
  ): Comparison => ({ title, focus, rows: variants.map(([name, r]) => row(name, r, focus)), note });

  const base = costReport(alts.base, orders, a);
  const express = costReport(alts.express, orders, a);
  const busFanOut = costReport(alts.base, orders, a, { busFanOutFor: ruleFedTopics(alts.base) });
  const x86 = costReport(alts.base, orders, a, { architecture: 'x86_64' });
  const arm = costReport(alts.base, orders, a, { architecture: 'arm64' });
  const high = costReport(alts.highThroughput, orders, a);
  const provisioned = alts.base.kafka?.mappings.filter((m) => m.pollers) ?? [];
  const grouped = provisioned.length > 1 ? costReport(sharedPollerGroup(alts.base), orders, a) : undefined;
  const batch = (r: CostReport) =>
    r.queues
      .filter((q) => q.consumer?.startsWith('OrderNotifications/') && q.messages > 0)
      .map((q) => `${q.name.split('/').at(-1)} ${count(q.perInvocation ?? 0)}`)
      .join(', ');
  return [
    compare(
      'Saga: Standard vs Express',
      ['Step Functions'],
      [
        ['Standard (deployed)', base],
        ['Express', express],
      ],
      'Express starts at least once and keeps no history beyond its logs; the idempotent steps absorb a repeated run.',
    ),
    compare(
      'Outcome fan-out: SNS topic vs EventBridge rules',
      ['SNS'],
      [
        ['SNS topic (deployed)', base],
        ['one bus rule per consumer', busFanOut],
      ],
      `EventBridge charges per event put, not per rule matched, so the fan-out itself is free on the bus (the topic's KMS requests go too); it uses ${count(busFanOut.volumes.targetInvocations - base.volumes.targetInvocations)} more target invocations a month (a quota) and a rule per consumer (5 targets a rule, 300 rules a bus by default).`,
    ),
    compare(
      'Lambda: arm64 vs x86_64',
      ['Lambda'],
      [
        ['arm64 (deployed)', arm],
        ['x86_64', x86],
      ],
      'Same durations assumed on both; arm64 GB-seconds cost 20% less.',
    ),
    compare(
      'Notification consumers: low-latency vs high-throughput profile',
      ['SQS', 'Lambda'],
      [
        ['low-latency (deployed)', base],
        ['high-throughput', high],
      ],
      `Records per invocation at this volume: low-latency ${batch(base)}; high-throughput ${batch(high)}. Batching pays only once the rate times the window exceeds one message.`,
    ),
    ...(grouped
      ? [
          compare(
            'MSK event sources: an event poller unit each vs one poller group',
            ['Lambda (event pollers)'],
            [
              [`an EPU per mapping (as built: ${base.kafka?.eventPollerUnits ?? 0} EPUs)`, base],
              [`one poller group (${grouped.kafka?.eventPollerUnits ?? 0} EPU)`, grouped],
            ],
            `A mapping outside a poller group holds an EPU of its own however little it polls; mappings sharing a PollerGroupName (same VPC) share EPUs, 10 pollers and 20 MB/s each. KafkaConsumer sets no PollerGroupName yet; AWS advises keeping spiky high-throughput mappings out of a shared group.`,
          ),
        ]
      : []),
  ];
}

export function comparisonMarkdown(c: Comparison, orders: number): string {
  const rows = c.rows.map((r) => [
    r.variant,
    usd(r.focusUsd),
    usd(r.totalUsd),
    usd((r.totalUsd / orders) * 1e6),
  ]);
  return `${c.title}\n\n${markdownTable(['variant', c.focus.join(' + '), 'total / month', 'per million orders'], rows)}\n\n${c.note}`;
}
