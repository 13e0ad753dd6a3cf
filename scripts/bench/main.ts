import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { BENCH_CONTEXT_KEY } from '../../lib/stacks/bench-stack.js';
import { deployToEmulator } from '../emulator/deploy.js';
import {
  clientConfig,
  EMULATOR_VERSION,
  emulatorEnv,
  ensureEmulator,
  probe,
  stopEmulator,
} from '../emulator/emulator.js';
import { KAFKA_VERSION } from '../kafka/config.js';
import { ensureKafka, type KafkaHandle, kafkaClient, stopKafka } from '../kafka/engine.js';
import { readTemplates } from '../shared/cdk-out.js';
import { ROOT } from '../shared/paths.js';
import { fail, progress, runMain } from '../shared/progress.js';
import { run } from '../shared/run.js';
import { summarize } from '../shared/stats.js';
import { BENCH_USAGE, type BenchOptions, parseBenchArgs } from './args.js';
import { readBaseline } from './baseline.js';
import { COLD_INIT_SETTLE_MS, coldInitRounds, findBundles } from './bundles.js';
import { measureEventStore } from './event-store.js';
import { BenchFlows, type ConsumerResult, measureSaga } from './flows.js';
import { measureKafkaProfiles } from './kafka-profiles.js';
import { functionDurations } from './lambda-durations.js';
import {
  type BenchResult,
  BUNDLE_TARGET_BYTES,
  type BundleResult,
  type DeployRun,
  describeMachine,
  renderMarkdown,
  renderSummary,
} from './report.js';

const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const OUT_DIR = path.join(ROOT, 'docs', 'benchmarks');
const BUDGET_MINUTES = 15;
/** The stacks whose functions the cost model prices (the benchmark stack is not one). */
const APP_STACKS = ['OrderNotifications', 'OrderFulfilment'];

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function measureSynth(runs: number) {
  const seconds: number[] = [];
  for (let i = 1; i <= runs; i++) {
    progress.step(`cdk synth ${i} of ${runs}`);
    seconds.push(await timed(() => run(CDK, ['synth', '--quiet'], { quiet: true })));
    progress.ok(`synth ${i}: ${seconds.at(-1)?.toFixed(1)} s`);
  }
  return summarize(seconds);
}

/** Reads cdk.out of the last synth: the default app, without the benchmark stack. */
async function measureBundles(initRuns: number): Promise<BundleResult[]> {
  const bundles = findBundles().filter((b) => b.functions.length > 0);
  progress.step(
    `Cold init of ${bundles.length} bundles, ${initRuns} rounds of one import each, after ${COLD_INIT_SETTLE_MS / 1000} s idle`,
  );
  const times = await coldInitRounds(bundles, initRuns, {
    onRound: (round) => progress.info(`round ${round} of ${initRuns}`),
  });
  return bundles.map((bundle, i) => ({
    functions: bundle.functions.map((f) => f.path),
    bytes: bundle.bytes,
    ...(bundle.bytes > BUNDLE_TARGET_BYTES ? { contributors: bundle.contributors.slice(0, 10) } : {}),
    coldInitMs: summarize(times[i] ?? []),
  }));
}

async function stackExists(endpoint: string, name: string): Promise<boolean> {
  const cfn = new CloudFormationClient(clientConfig(emulatorEnv(endpoint)));
  try {
    const result = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    return result.Stacks?.[0]?.StackStatus?.endsWith('_COMPLETE') ?? false;
  } catch {
    return false;
  }
}

async function measureDeploys(endpoint: string, runs: number): Promise<DeployRun[]> {
  const deploys: DeployRun[] = [];
  const context = { [BENCH_CONTEXT_KEY]: 'true' };
  const bootstrapped = await stackExists(endpoint, 'CDKToolkit');
  const existing = await stackExists(endpoint, 'OrderEvents');
  const first = existing
    ? 'first of this run (stacks already deployed: an update)'
    : `first, to an emulator without the app's stacks${bootstrapped ? '' : ' (includes cdk bootstrap)'}`;
  for (let i = 0; i < runs; i++) {
    const label = i === 0 ? first : `no-change re-deploy ${i}`;
    progress.step(`Deploy ${i + 1} of ${runs}: ${label}`);
    deploys.push({ label, seconds: await timed(() => deployToEmulator(endpoint, { context })) });
  }
  return deploys;
}

/** The two profiles on the real local broker. */
async function measureKafka(broker: KafkaHandle, quick: boolean) {
  const profiles = await measureKafkaProfiles(kafkaClient(broker.layout, 'bench'), {
    paced: quick ? 50 : 200,
    intervalMs: 20,
    burst: quick ? 10_000 : 30_000,
  });
  return { broker: `Apache Kafka ${KAFKA_VERSION}, one KRaft broker, 6 partitions`, ...profiles };
}

function pick(results: readonly ConsumerResult[], variant: ConsumerResult['variant']): ConsumerResult {
  const found = results.find((r) => r.variant === variant);
  if (!found) throw new Error(`no result for the ${variant} consumer`);
  return found;
}

async function bench(options: BenchOptions): Promise<void> {
  const started = Date.now();
  progress.step(
    `Benchmark: --runs ${options.runs} --init-runs ${options.initRuns} --messages ${options.messages}` +
      ` (budget ${BUDGET_MINUTES} min on 2 cores; keep the machine otherwise idle)`,
  );
  const synthSeconds = await measureSynth(options.runs);
  const bundles = await measureBundles(options.initRuns);

  const emulator = await ensureEmulator();
  // The app's order log lives on it (the deploys create its topic, the relay appends to it),
  // and the Kafka profiles are measured on it. Stopped after, unless it ran before.
  const broker = await ensureKafka({ brokers: 1 });
  try {
    const found = await probe(emulator.endpoint);
    const version = found.kind === 'emulator' ? (found.version ?? 'unknown') : 'unknown';
    // The health document carries a version, not a name: name the pinned one when it matches.
    const name = version === EMULATOR_VERSION ? 'MiniStack' : 'LocalStack-compatible emulator';
    const machine = describeMachine({ name, version });

    const deploys = await measureDeploys(emulator.endpoint, options.runs);
    const flowOptions = {
      endpoint: emulator.endpoint,
      messages: options.messages,
      sagaMessages: Math.max(5, Math.ceil(options.messages / 2)),
      intervalMs: 100,
      sagaIntervalMs: 1000,
      warmup: options.quick ? 3 : 5,
    };
    const flows = new BenchFlows(flowOptions);
    const topic = await flows.measure('topic', ['low-latency', 'high-throughput', 'no-idempotency']);
    const bus = await flows.measure('bus', ['eventbridge']);
    const saga = await measureSaga(flowOptions);
    const eventStore = await measureEventStore({
      endpoint: emulator.endpoint,
      // Enough samples for a p99 that is not just the maximum.
      orders: options.quick ? 20 : 100,
      intervalMs: flowOptions.intervalMs,
    });
    const kafka = await measureKafka(broker, options.quick);
    progress.step("Reading the app's function durations from their REPORT log lines");
    const durations = await functionDurations(
      emulator.endpoint,
      readTemplates().filter((t) => APP_STACKS.includes(t.stackName)),
    );

    const lowLatency = pick(topic, 'low-latency');
    const result: BenchResult = {
      machine: { ...machine, loadAverage: { ...machine.loadAverage, end: os.loadavg()[0] ?? 0 } },
      options,
      durationSeconds: (Date.now() - started) / 1000,
      bundles,
      baseline: readBaseline(),
      synthSeconds,
      deploys,
      flows: { fanOut: lowLatency, eventBridge: pick(bus, 'eventbridge'), saga },
      eventStore,
      kafka,
      profiles: { lowLatency, highThroughput: pick(topic, 'high-throughput') },
      idempotency: { with: lowLatency, without: pick(topic, 'no-idempotency') },
      functionDurations: durations,
      // What the cost model reads (scripts/cost/assumptions.ts): median ms per invocation.
      lambdaDurationsMs: Object.fromEntries(durations.map((d) => [d.name, d.durationMs.median])),
    };
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(path.join(OUT_DIR, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(path.join(OUT_DIR, 'latest.md'), renderMarkdown(result));
    progress.ok('Wrote docs/benchmarks/latest.md and docs/benchmarks/latest.json');
    // docs/scaling.md is computed from these durations; a CDK test fails when it is stale.
    progress.step('Refreshing docs/scaling.md from the measured durations');
    const { appStructure } = await import('../cost/app-structure.js');
    const { DEFAULT_ASSUMPTIONS, withMeasuredDurations } = await import('../cost/assumptions.js');
    const { SCALING_DOC_ORDERS, scalingView, writeScalingDoc } = await import('../cost/scaling.js');
    const measured = withMeasuredDurations(DEFAULT_ASSUMPTIONS, path.join(OUT_DIR, 'latest.json'));
    writeScalingDoc(scalingView(appStructure(), SCALING_DOC_ORDERS, measured));
    console.log(renderSummary(result));
    if (result.durationSeconds > BUDGET_MINUTES * 60)
      progress.warn(`the run took longer than the ${BUDGET_MINUTES}-minute budget`);
  } finally {
    if (broker.startedNow.length > 0) await stopKafka({ brokers: 1 });
    if (emulator.startedNow) {
      await stopEmulator();
      progress.ok('Stopped the emulator this benchmark started');
    }
  }
}

runMain(async () => {
  let parsed: ReturnType<typeof parseBenchArgs>;
  try {
    parsed = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${BENCH_USAGE}`, 2);
  }
  if (parsed.help) {
    console.log(BENCH_USAGE);
    return;
  }
  await bench(parsed.options);
});
