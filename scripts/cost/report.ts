import { shortName } from '../shared/resource-names.js';
import { markdownTable } from '../shared/table.js';
import { type Assumptions, WHY } from './assumptions.js';
import { count, percent, usd } from './format.js';
import type { CostReport } from './model.js';
import { PRICE_SOURCES, PRICES_AS_OF } from './prices.js';

const perMillion = (amount: number, orders: number) => usd((amount / orders) * 1e6);

/** The per-service table, per-function usage and the saga's paths, as Markdown. */
export function reportMarkdown(report: CostReport, a: Assumptions): string {
  const { orders } = report;
  const arch = [...new Set(report.functions.map((f) => f.architecture))].join('/');
  const services = markdownTable(
    ['service', 'item', 'units / month', 'USD / month', 'USD per million orders'],
    [
      ...report.lines.map((l) => [
        l.service,
        `${l.item}${l.fixed ? ' (monthly fee)' : ''}`,
        `${count(l.units)} ${l.unit}`,
        usd(l.usd),
        perMillion(l.usd, orders),
      ]),
      ['**total**', '', '', usd(report.totalUsd), perMillion(report.totalUsd, orders)],
    ],
  );
  const functions = markdownTable(
    [
      'function',
      'arch',
      'MB',
      'invocations',
      'records / invocation',
      'assumed ms (+ per record)',
      'ms / invocation',
      'GB-seconds',
      'assumed DynamoDB reads/writes per call',
    ],
    report.functions.map((f) => {
      const d = a.durations[shortName(f.name)];
      const t = a.tableWork[shortName(f.name)];
      return [
        shortName(f.name),
        f.architecture,
        String(f.memoryMb),
        count(f.invocations),
        f.records > 0 ? count(f.records / f.invocations) : '-',
        d ? `${d.perInvocationMs}${d.perRecordMs > 0 ? ` + ${d.perRecordMs}` : ''}` : '-',
        count(f.durationMs),
        count(f.gbSeconds),
        t
          ? `${t.reads} / ${t.writes}${t.writesPerSku ? ` + ${t.writesPerSku} per SKU` : ''}${t.onlyFor ? ` (${t.onlyFor.join(', ')} only)` : ''}`
          : '-',
      ];
    }),
  );
  const appends = new Map(report.eventStore.paths.map((p) => [p.name, p]));
  const paths = markdownTable(
    [
      'saga path',
      'share of orders',
      'states entered',
      'Lambda tasks',
      'task time (ms, Express bills it)',
      'events appended (outbox entries)',
      'event store WRU / RRU',
    ],
    report.paths.map((p) => {
      const store = appends.get(p.name);
      return [
        p.name,
        percent(p.share),
        String(p.transitions),
        String(p.tasks.length),
        String(Math.round(p.durationMs)),
        store ? `${store.events.length} (${store.outbox.length})` : '-',
        store ? `${store.writeUnits} / ${store.readUnits}` : '-',
      ];
    }),
  );
  return [
    `${count(orders)} orders a month: saga ${report.sagaType}, notification consumers ${report.structure.variant.profile}, Lambda ${arch}.`,
    ...(report.structure.kafka ? [kafkaSentence(report)] : []),
    '',
    services,
    '',
    functions,
    '',
    paths,
  ].join('\n');
}

/** What the Kafka log is made of and where that was read. */
function kafkaSentence(report: CostReport): string {
  const kafka = report.structure.kafka;
  if (!kafka) return '';
  const topics = kafka.topics
    .map(
      (t) =>
        `topic ${t.name} (${t.partitions} partitions, ${t.retentionMs === 'unlimited' ? 'kept forever' : `${Math.round(t.retentionMs / 86_400_000)} days`})`,
    )
    .join(', ');
  const groups = kafka.mappings
    .map(
      (m) =>
        `${m.consumerGroup} (batch ${m.batchSize}, window ${m.batchingWindowSeconds} s, ${m.pollers ? `${m.pollers.minimum}-${m.pollers.maximum} provisioned pollers` : 'on-demand pollers'})`,
    )
    .join(', ');
  const endpoints = (report.structure.vpcEndpoints ?? []).map((e) => e.service).join(', ');
  return `Kafka log on MSK Serverless (read from the app's templates): ${kafka.clusters.length} cluster, ${topics}; consumer groups ${groups || 'none'}; interface endpoints ${endpoints || 'none'}; ${count(report.kafka?.eventPollerUnits ?? 0)} event poller units.`;
}

export function assumptionsMarkdown(a: Assumptions): string {
  const show = (value: unknown) =>
    typeof value === 'object' && value !== null
      ? Object.entries(value)
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(', ')
      : String(value);
  // Per-function assumptions are columns of the function table.
  const perFunction = new Set(['durations', 'tableWork']);
  const steps = Object.entries(a.stepEvents)
    .map(
      ([task, e]) =>
        `${task} ${e.done.join('+')}${e.refused ? ` (refused: ${e.refused.join('+') || 'none'})` : ''}`,
    )
    .join(', ');
  const rows = (Object.keys(WHY) as Array<keyof typeof WHY>).map((k) => [
    k,
    perFunction.has(k)
      ? `per function, in the table above (${k === 'durations' ? a.durationsSource : 'read from the handlers'})`
      : k === 'stepEvents'
        ? steps
        : show(a[k]),
    WHY[k],
  ]);
  return [
    `Assumptions (functions with an idempotency table also write ${a.idempotencyWritesPerCall} units there per call, on top of the table above):`,
    '',
    markdownTable(['assumption', 'value', 'why'], rows),
  ].join('\n');
}

export const pricesNote = (): string =>
  `us-east-1 on-demand list prices as of ${PRICES_AS_OF}; free tiers ignored; data transfer, backups (point-in-time recovery) and storage not counted, but for what only grows (the event store, the order log's audit lines and sale markers) and MSK Serverless's data in, data out and storage; fees by the hour bill 730 hours a month. Sources: ${PRICE_SOURCES.join(' ')}`;
