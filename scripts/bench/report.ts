import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { ROOT } from '../shared/paths.js';
import { resourceName } from '../shared/resource-names.js';
import { median, ratio, type Summary } from '../shared/stats.js';
import { markdownTable } from '../shared/table.js';
import type { BenchOptions } from './args.js';
import { type Baseline, baselineOf } from './baseline.js';
import type { Contributor } from './bundles.js';
import type { EventStoreResult } from './event-store.js';
import type { ConsumerResult, Invocations, SagaResult } from './flows.js';
import type { KafkaProfilesResult, ProfileResult } from './kafka-profiles.js';
import type { FunctionDuration } from './lambda-durations.js';

/** Bundles above this are listed with what fills them (the project's size target: 300 KB, read as KiB). */
export const BUNDLE_TARGET_BYTES = 300 * 1024;

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly emulator: { readonly name: string; readonly version: string };
  readonly date: string;
  readonly commit: string;
  /** 1-minute load average at the start and the end: other work on the machine skews figures. */
  readonly loadAverage: { readonly start: number; end?: number };
}

export interface BundleResult {
  readonly functions: readonly string[];
  readonly bytes: number;
  /** Largest packages first; only for bundles over BUNDLE_TARGET_BYTES. */
  readonly contributors?: readonly Contributor[];
  readonly coldInitMs: Summary;
}

export interface DeployRun {
  readonly label: string;
  readonly seconds: number;
}

export interface BenchResult {
  readonly machine: Machine;
  readonly options: BenchOptions;
  readonly durationSeconds: number;
  readonly bundles: readonly BundleResult[];
  /** An earlier run's bundle figures, shown beside these (scripts/bench/baseline.ts). */
  readonly baseline?: Baseline;
  readonly synthSeconds: Summary;
  readonly deploys: readonly DeployRun[];
  readonly flows: {
    readonly fanOut: ConsumerResult;
    readonly eventBridge: ConsumerResult;
    readonly saga: SagaResult;
  };
  /** Append latency and relay lag of the order event store. */
  readonly eventStore: EventStoreResult;
  /** The two throughput profiles on a real Kafka broker. */
  readonly kafka: KafkaProfilesResult & { readonly broker: string };
  readonly profiles: { readonly lowLatency: ConsumerResult; readonly highThroughput: ConsumerResult };
  readonly idempotency: { readonly with: ConsumerResult; readonly without: ConsumerResult };
  /** The app's functions, from their REPORT lines over the whole run. */
  readonly functionDurations: readonly FunctionDuration[];
  readonly lambdaDurationsMs: Readonly<Record<string, number>>;
}

function commitOf(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    // The results this run is about to overwrite do not make the checkout different.
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '.', ':!docs/benchmarks'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export function describeMachine(emulator: { name: string; version: string }): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    emulator,
    date: new Date().toISOString(),
    commit: commitOf(),
    loadAverage: { start: os.loadavg()[0] ?? 0 },
  };
}

const ms = (v: number | undefined) =>
  v === undefined ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
// KiB (1024 bytes), the unit the size target is read in.
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const x = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(2)}×`);
const num = (v: number | undefined, digits = 1) => (v === undefined ? '–' : v.toFixed(digits));
const spread = (s: Summary) => `${ms(s.median)} (${ms(s.min)}–${ms(s.max)})`;

/** The range of bundle sizes and cold-init medians, now and (with a baseline) before. */
export function bundleTotals(r: Pick<BenchResult, 'bundles' | 'baseline'>): string {
  const range = (values: readonly number[], format: (n: number) => string) =>
    values.length === 0 ? '–' : `${format(Math.min(...values))}–${format(Math.max(...values))}`;
  const totals = (bundles: readonly { bytes: number; coldInitMs: { median: number } }[]) => {
    const medians = bundles.map((b) => b.coldInitMs.median);
    return `${range(
      bundles.map((b) => b.bytes),
      kb,
    )}, cold init medians ${range(medians, ms)}, median of the medians ${ms(median(medians))}`;
  };
  const now = `Bundles ${totals(r.bundles)}`;
  return r.baseline ? `${now}; before: bundles ${totals(r.baseline.bundles)}.` : `${now}.`;
}

interface FlowRow {
  readonly name: string;
  readonly paced: { latencyMs?: Summary; messages: number; missing: number; intervalMs: number };
  readonly burst: {
    perSecond: number;
    messages: number;
    missing: number;
    seconds: number;
    secondsTo90Percent?: number;
  };
  readonly burstInvocations?: Invocations;
}

function flowRows(result: BenchResult): FlowRow[] {
  const { fanOut, eventBridge, saga } = result.flows;
  return [
    { name: 'SNS fan-out → SQS → Lambda side effect', ...fanOut },
    { name: 'EventBridge rule → SQS → Lambda side effect', ...eventBridge },
    { name: 'Saga: OrderPlaced → execution end (OrderConfirmed published)', ...saga },
  ];
}

export function renderMarkdown(r: BenchResult): string {
  const m = r.machine;
  const { lowLatency: ll, highThroughput: ht } = r.profiles;
  const { with: withIdem, without } = r.idempotency;
  const over = r.bundles.filter((b) => b.contributors);
  const p = (c: ConsumerResult, key: 'median' | 'p95' | 'p99') => c.paced.latencyMs?.[key];
  const rel = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : ratio(a, b);

  return `# Benchmarks: latest run

Written by \`npm run bench\` (figures: [latest.json](latest.json)). Compare figures as ratios
within one run: absolute numbers depend on the machine, and the end-to-end ones on the local
emulator, not AWS.

## Machine

${markdownTable(
  ['', ''],
  [
    ['Date', m.date],
    ['Commit', m.commit],
    ['CPU', `${m.cpu}, ${m.cores} cores`],
    ['Memory', `${m.memoryGiB} GiB`],
    ['OS', m.os],
    ['Node.js', m.node],
    ['Emulator', `${m.emulator.name} ${m.emulator.version}`],
    ['Load average (1 min) at start / end', `${num(m.loadAverage.start, 2)} / ${num(m.loadAverage.end, 2)}`],
    [
      'Options',
      `--runs ${r.options.runs} --init-runs ${r.options.initRuns} --messages ${r.options.messages}${r.options.quick ? ' --quick' : ''}`,
    ],
    ['Bench duration', `${(r.durationSeconds / 60).toFixed(1)} min`],
  ],
)}

## Lambda bundles and cold init

Bundle = \`index.mjs\` as esbuild wrote it (minified ESM, AWS SDK inside). Cold init = a fresh
Node process importing the bundle, with the function's environment from the template, until
its handler is a function (Node's own start-up excluded); median (min–max) of ${r.options.initRuns} runs, taken
in rounds that import each bundle once, after the machine has been idle for a few seconds.
Functions sharing one bundle share a row.${
    r.baseline
      ? ` Before = the bundles of ${r.baseline.commit} (${r.baseline.date.slice(0, 10)}), ${r.baseline.label} ([baseline-xray-sdk.json](baseline-xray-sdk.json))${r.baseline.coldInitNote ? `. ${r.baseline.coldInitNote}` : ''}. Compare the two cold-init columns as a ratio: they ran at different times.`
      : ''
  }

${markdownTable(
  r.baseline
    ? ['Functions', 'Bundle', 'Before', `Over ${BUNDLE_TARGET_BYTES / 1024} KiB`, 'Cold init', 'Before']
    : ['Functions', 'Bundle', `Over ${BUNDLE_TARGET_BYTES / 1024} KiB`, 'Cold init'],
  r.bundles.map((b) => {
    const before = baselineOf(r.baseline, b.functions);
    const over = b.contributors ? 'yes' : 'no';
    const names = b.functions.map(resourceName).join(', ');
    if (!r.baseline) return [names, kb(b.bytes), over, spread(b.coldInitMs)];
    return [
      names,
      kb(b.bytes),
      before ? kb(before.bytes) : '–',
      over,
      spread(b.coldInitMs),
      before ? ms(before.coldInitMedianMs) : '–',
    ];
  }),
)}
${bundleTotals(r)}
${
  over.length === 0
    ? ''
    : `
Largest packages in the bundles over the target (bytes in the minified bundle):

${over
  .map(
    (b) =>
      `- ${b.functions.map(resourceName).join(', ')}: ${(b.contributors ?? [])
        .slice(0, 6)
        .map((c) => `${c.name} ${kb(c.bytes)}`)
        .join(', ')}`,
  )
  .join('\n')}
`
}
## Synth and deploy

${markdownTable(
  ['What', 'Time'],
  [
    [
      `\`cdk synth --quiet\` (default app), median (min–max) of ${r.synthSeconds.n}`,
      spread(mapSummary(r.synthSeconds, 1000)),
    ],
    ...r.deploys.map((d) => [`Emulator deploy: ${d.label}`, `${d.seconds.toFixed(1)} s`]),
  ],
)}

Every deploy synthesizes (and bundles) first, as \`npm run deploy:local\` does; the deploys
include the benchmark stack (\`--context bench=true\`).

## End-to-end on the emulator

Latency: after a warm-up, messages sent one at a time (${r.flows.fanOut.paced.messages} every ${r.flows.fanOut.paced.intervalMs} ms; saga: ${r.flows.saga.paced.messages} orders every ${r.flows.saga.paced.intervalMs} ms),
from the publish call to the time the consumer wrote its effect (saga: the execution's stop
time). Throughput: a burst of as many messages, published 10 per call, 4 calls at a time;
messages ÷ (last effect − first publish). Lost = no effect before the deadline.

${markdownTable(
  [
    'Flow',
    'p50',
    'p95',
    'p99',
    'max',
    'Lost',
    'Throughput',
    'Burst: 90% / all done',
    'Invocations / 1,000 msgs (burst)',
  ],
  flowRows(r).map((f) => [
    f.name,
    ms(f.paced.latencyMs?.median),
    ms(f.paced.latencyMs?.p95),
    ms(f.paced.latencyMs?.p99),
    ms(f.paced.latencyMs?.max),
    String(f.paced.missing + f.burst.missing),
    `${num(f.burst.perSecond)} msg/s`,
    `${num(f.burst.secondsTo90Percent)} s / ${num(f.burst.seconds)} s`,
    f.burstInvocations ? num(f.burstInvocations.perThousandMessages, 0) : '–',
  ]),
)}

When "all done" is far beyond "90%", a few invocations timed out (the emulator runs every
function as a local process on the shared cores, and kills it at its 5-second timeout) and
their records came back only after the queue's 35-second visibility timeout: throughput is
then set by that tail, as it would be on AWS for a consumer that times out.

The fan-out row is the \`low-latency\`, idempotent consumer of the benchmark stack
(lib/stacks/bench-stack.ts), built from the same patterns as the notifications stack. Saga
outcomes: ${Object.entries(r.flows.saga.statuses)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ')}.

## Event store and outbox relay

${eventStoreSection(r.eventStore)}

## Kafka: the two profiles on a real broker

${kafkaSection(r.kafka)}

## Throughput profiles, same flow, one run

The same messages reach both consumers through one topic.

${markdownTable(
  ['', 'low-latency', 'high-throughput', 'high-throughput ÷ low-latency'],
  [
    [
      'Latency p50 (paced)',
      ms(p(ll, 'median')),
      ms(p(ht, 'median')),
      x(rel(p(ht, 'median'), p(ll, 'median'))),
    ],
    ['Latency p95 (paced)', ms(p(ll, 'p95')), ms(p(ht, 'p95')), x(rel(p(ht, 'p95'), p(ll, 'p95')))],
    [
      'Invocations / 1,000 msgs (paced)',
      num(ll.pacedInvocations?.perThousandMessages, 0),
      num(ht.pacedInvocations?.perThousandMessages, 0),
      x(rel(ht.pacedInvocations?.perThousandMessages, ll.pacedInvocations?.perThousandMessages)),
    ],
    [
      'Invocations / 1,000 msgs (burst)',
      num(ll.burstInvocations?.perThousandMessages, 0),
      num(ht.burstInvocations?.perThousandMessages, 0),
      x(rel(ht.burstInvocations?.perThousandMessages, ll.burstInvocations?.perThousandMessages)),
    ],
    [
      'Burst throughput',
      `${num(ll.burst.perSecond)} msg/s`,
      `${num(ht.burst.perSecond)} msg/s`,
      x(rel(ht.burst.perSecond, ll.burst.perSecond)),
    ],
  ],
)}

The emulator ignores the event source mapping's batching window (docs/emulator-parity.md):
records are handed over as soon as they arrive, so \`high-throughput\` behaves like a larger
batch size and no wait. Its 2-second window, which on AWS trades latency for fewer invocations
at low rates, does not show here: expect the latency ratio to be far above 1 on AWS, and the
paced invocation ratio well below 1. If the burst row shows about 100 invocations per 1,000
messages for both, the emulator handed over at most 10 records per invocation, so the batch
size of 100 did not show either.

## Cost of idempotency

The same handler bundle on the same topic, with Powertools idempotency on DynamoDB and without
it (the benchmark-only mode of lambdas/bench-recorder). Handler time is measured inside the
function, per record.

${markdownTable(
  ['', 'idempotent', 'not idempotent', 'idempotent ÷ not'],
  [
    [
      'Handler time per record (paced)',
      ms(withIdem.pacedInvocations?.handlerMsPerRecord),
      ms(without.pacedInvocations?.handlerMsPerRecord),
      x(rel(withIdem.pacedInvocations?.handlerMsPerRecord, without.pacedInvocations?.handlerMsPerRecord)),
    ],
    [
      'Handler time per record (burst)',
      ms(withIdem.burstInvocations?.handlerMsPerRecord),
      ms(without.burstInvocations?.handlerMsPerRecord),
      x(rel(withIdem.burstInvocations?.handlerMsPerRecord, without.burstInvocations?.handlerMsPerRecord)),
    ],
    [
      'Latency p50 (paced)',
      ms(p(withIdem, 'median')),
      ms(p(without, 'median')),
      x(rel(p(withIdem, 'median'), p(without, 'median'))),
    ],
    [
      'Latency p95 (paced)',
      ms(p(withIdem, 'p95')),
      ms(p(without, 'p95')),
      x(rel(p(withIdem, 'p95'), p(without, 'p95'))),
    ],
    [
      'Burst throughput',
      `${num(withIdem.burst.perSecond)} msg/s`,
      `${num(without.burst.perSecond)} msg/s`,
      x(rel(withIdem.burst.perSecond, without.burst.perSecond)),
    ],
  ],
)}

## Function durations (the app's, on the emulator)

Every invocation of the app's functions during this run (the saga flow drives the fulfilment
functions and, through OrderConfirmed, the notification consumers), from the REPORT lines the
emulator writes as Lambda does. The medians are \`lambdaDurationsMs\` in latest.json, which
\`npm run cost\` and [docs/scaling.md](../scaling.md) use in place of their assumed durations.
Emulator durations include a local DynamoDB and a shared CPU: they are not AWS durations.

${markdownTable(
  ['Function', 'Invocations', 'Median', 'p90', 'Max'],
  r.functionDurations.map((d) => [
    d.name,
    String(d.durationMs.n),
    ms(d.durationMs.median),
    ms(d.durationMs.p90),
    ms(d.durationMs.max),
  ]),
)}
`;
}

function mapSummary(s: Summary, factor: number): Summary {
  const entries = Object.entries(s).map(([k, v]) => [k, k === 'n' ? v : v * factor]);
  return Object.fromEntries(entries) as unknown as Summary;
}

/** A few lines for the terminal. */
export function renderSummary(r: BenchResult): string {
  const largest = r.bundles[0];
  const lines = [
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, ${r.machine.emulator.name} ${r.machine.emulator.version}`,
    `Bundles: ${r.bundles.length}, largest ${largest ? kb(largest.bytes) : '–'}; cold init median ${r.bundles.map((b) => ms(b.coldInitMs.median)).join(', ')}`,
    `cdk synth: ${(r.synthSeconds.median).toFixed(1)} s median; deploys: ${r.deploys.map((d) => `${d.seconds.toFixed(1)} s`).join(', ')}`,
    ...flowRows(r).map(
      (f) =>
        `${f.name}: p50 ${ms(f.paced.latencyMs?.median)}, p95 ${ms(f.paced.latencyMs?.p95)}, p99 ${ms(f.paced.latencyMs?.p99)}, ${num(f.burst.perSecond)} msg/s`,
    ),
    `Profiles (high-throughput ÷ low-latency): p50 ${x(ratio(r.profiles.highThroughput.paced.latencyMs?.median ?? 0, r.profiles.lowLatency.paced.latencyMs?.median ?? 0))}, invocations/1,000 (burst) ${x(ratio(r.profiles.highThroughput.burstInvocations?.perThousandMessages ?? 0, r.profiles.lowLatency.burstInvocations?.perThousandMessages ?? 0))}`,
    `Idempotency (with ÷ without): handler time per record ${x(ratio(r.idempotency.with.pacedInvocations?.handlerMsPerRecord ?? 0, r.idempotency.without.pacedInvocations?.handlerMsPerRecord ?? 0))}`,
    `Event store: append p50 ${ms(r.eventStore.appendMs?.median)}, p99 ${ms(r.eventStore.appendMs?.p99)}; relay lag (append → bus) p50 ${ms(r.eventStore.relayLagMs?.median)}, p99 ${ms(r.eventStore.relayLagMs?.p99)}${r.eventStore.missing > 0 ? `, ${r.eventStore.missing} not relayed` : ''}`,
    `Kafka (high-throughput ÷ low-latency): msg/s ${x(ratio(r.kafka.highThroughput.burst.perSecond, r.kafka.lowLatency.burst.perSecond))}, p99 latency (low-latency ÷ high-throughput) ${x(ratio(r.kafka.lowLatency.latencyMs?.p99 ?? 0, r.kafka.highThroughput.latencyMs?.p99 ?? 0))}`,
    `Total: ${(r.durationSeconds / 60).toFixed(1)} min`,
  ];
  return lines.join('\n');
}

function eventStoreSection(e: EventStoreResult): string {
  const row = (name: string, s: Summary | undefined, lost: string) => [
    name,
    String(s?.n ?? 0),
    ms(s?.median),
    ms(s?.p95),
    ms(s?.p99),
    ms(s?.max),
    lost,
  ];
  return `${e.appends} orders, one every ${e.intervalMs} ms. Append: one conditional TransactWriteItems of an
order's first event with its outbox, from the benchmark process. Relay lag: from the return of
the append that confirms the order to the moment its OrderConfirmed reached the bus (the
SentTimestamp of a probe rule's queue): the table's stream, the relay's event source, the relay
function and PutEvents. Lost = not on the bus before the deadline.

${markdownTable(
  ['', 'n', 'p50', 'p95', 'p99', 'max', 'Lost'],
  [row('Append', e.appendMs, '–'), row('Relay lag (append → bus)', e.relayLagMs, String(e.missing))],
)}`;
}

function kafkaSection(k: BenchResult['kafka']): string {
  const { lowLatency: ll, highThroughput: ht } = k;
  const producer = (p: ProfileResult) =>
    `linger ${p.producer.lingerMs} ms, up to ${p.producer.batchMessages} per request, ${p.producer.compression === 0 ? 'no compression' : 'gzip'}, acks=${p.producer.acks === -1 ? 'all' : '1'}`;
  const consumer = (p: ProfileResult) => `batch ${p.consumer.batchSize}, window ${ms(p.consumer.windowMs)}`;
  const row = (
    name: string,
    f: (p: ProfileResult) => string,
    ratioOf?: (a: ProfileResult, b: ProfileResult) => string,
  ) => [name, f(ll), f(ht), ratioOf ? ratioOf(ht, ll) : ''];
  return `${k.broker} on this machine. Paced: ${ll.paced} messages 20 ms apart, latency from the
send call to the consumer. Burst: ${ll.burst.messages} messages sent at once; messages per second
until 90% were consumed (the last fetches then wait out the window for records that never come).
The consumer profiles are the KafkaConsumer pattern's (lib/patterns/kafka-log).

${markdownTable(
  ['', 'low-latency', 'high-throughput', 'high-throughput ÷ low-latency'],
  [
    row('Producer', producer),
    row('Consumer', consumer),
    row(
      'Latency p50 (paced)',
      (p) => ms(p.latencyMs?.median),
      (a, b) => x(ratio(a.latencyMs?.median ?? 0, b.latencyMs?.median ?? 0)),
    ),
    row(
      'Latency p99 (paced)',
      (p) => ms(p.latencyMs?.p99),
      (a, b) => x(ratio(a.latencyMs?.p99 ?? 0, b.latencyMs?.p99 ?? 0)),
    ),
    row(
      'Messages per second (burst, to 90%)',
      (p) => num(p.burst.perSecond, 0),
      (a, b) => x(ratio(a.burst.perSecond, b.burst.perSecond)),
    ),
    row(
      'Burst: 90% / all consumed',
      (p) => `${num(p.burst.secondsTo90Percent)} s / ${num(p.burst.seconds)} s`,
    ),
    row('Consumer batches per 1,000 messages (burst)', (p) => num(p.batchesPerThousand)),
  ],
)}

Goals: high-throughput at 5× the messages per second of low-latency or better, and low-latency's
p99 at a third of high-throughput's or better.`;
}
