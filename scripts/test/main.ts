import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { ChaosOptions } from '../chaos/chaos.js';
import { runChaos } from '../chaos/run-chaos.js';
import { ensureChromium } from '../console/browser.js';
import { deployToEmulator } from '../emulator/deploy.js';
import { emulatorEnv, ensureEmulator, stopEmulator } from '../emulator/emulator.js';
import { ensureKafka, kafkaStatus, stopKafka } from '../kafka/engine.js';
import { schemaProblem } from '../schemas/schemas.js';
import { LOCAL_DIR, ROOT } from '../shared/paths.js';
import { fail, progress } from '../shared/progress.js';
import { run } from '../shared/run.js';
import { ensureEventSource, stopEventSource } from '../stream/event-source-process.js';
import { ISR_BROKERS } from '../stream/isr.js';

const USAGE = `Usage: npm test [-- --no-integration] [--no-chaos]

Type-checks, lints and checks that schemas/, docs/events.md and docs/asyncapi.yaml match the
event contracts; runs the unit and CDK tests (the CDK tests also run cfn-lint on every
template, event-ruler on the routing cases, and fail on other stale generated docs); then runs
the Kafka tests on real brokers that they start and stop (Java 17+, Maven): delivery
semantics, consumer groups, replay and retention on one broker, in-sync replicas on a
3-node KRaft cluster;
then starts (or reuses) the local emulator and a Kafka broker for the order log, deploys the
app, starts the local MSK event source, runs the integration tests (the console's in Debian's
chromium, which it installs with apt-get when it is missing and this is root) and a chaos run
(200 orders, 10% faults, 5% duplicates, 2% malformed) against it, and stops what it started.
  --no-integration   stop after the unit and CDK tests (no broker, no emulator)
  --no-chaos         run the integration tests but not the chaos run (a quicker local loop)`;

/** The chaos run of every full test run: enough orders that every fault path is taken. */
const CHAOS: ChaosOptions = {
  orders: 200,
  faultRate: 0.1,
  duplicateRate: 0.05,
  malformedRate: 0.02,
  seed: 1,
  rate: 1,
};

const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

interface Tally {
  passed: number;
  failed: number;
}

async function vitest(projects: string[], tally: Tally): Promise<boolean> {
  const report = path.join(LOCAL_DIR, `vitest-${projects.join('-')}.json`);
  rmSync(report, { force: true });
  const args = [
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ];
  const ok = await run(bin('vitest'), args).then(
    () => true,
    () => false,
  );
  if (existsSync(report)) {
    const result = JSON.parse(readFileSync(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numTotalTests: number;
    };
    tally.passed += result.numPassedTests;
    tally.failed += result.numFailedTests;
    if (result.numTotalTests === 0) {
      progress.warn(`no tests ran in ${projects.join(', ')}`);
      return false;
    }
  } else tally.failed += 1; // vitest did not even report: count the phase as a failure
  return ok;
}

/**
 * The `kafka` vitest project: the tests start and stop their own cluster by PID; a cluster they
 * left behind (a crashed or timed-out run) is stopped here, unless it was running before.
 */
async function kafkaTests(tally: Tally, problems: string[]): Promise<void> {
  const layouts = [1, ISR_BROKERS];
  const running = async (brokers: number) => (await kafkaStatus({ brokers })).some((node) => node.running);
  const wasRunning = new Map(await Promise.all(layouts.map(async (n) => [n, await running(n)] as const)));
  progress.step(
    `Kafka tests on real brokers (semantics on one; in-sync replicas on a ${ISR_BROKERS}-node KRaft cluster)`,
  );
  try {
    if (!(await vitest(['kafka'], tally))) problems.push('Kafka tests');
  } finally {
    for (const brokers of layouts) {
      if (wasRunning.get(brokers)) continue;
      const left = await stopKafka({ brokers });
      if (left.length > 0)
        progress.warn(`Stopped Kafka nodes ${left.join(', ')} that the Kafka tests left running`);
    }
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const unknown = args.find((a) => a !== '--no-integration' && a !== '--no-chaos');
  if (unknown) fail(`unknown option '${unknown}'.\n${USAGE}`, 2);
  const integration = !args.includes('--no-integration');

  const tally: Tally = { passed: 0, failed: 0 };
  const problems: string[] = [];
  const started = Date.now();
  // The console's test drives a real browser. Installing it (as root, with apt-get) waits on
  // the network, so it runs beside the CPU-bound checks below; the integration phase needs it.
  const browser = integration
    ? ensureChromium().then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      )
    : undefined;

  progress.step('Type-checking (tsc --noEmit)');
  await run(bin('tsc'), ['--noEmit', '-p', ROOT]).catch(() => problems.push('type errors'));
  // The console's browser code has its own project: the DOM's types, and no Node's.
  await run(bin('tsc'), ['--noEmit', '-p', path.join(ROOT, 'scripts', 'console', 'ui')]).catch(() =>
    problems.push('type errors in the console page'),
  );
  progress.step('Linting (biome check)');
  await run(bin('biome'), ['check', ROOT]).catch(() => problems.push('lint findings'));

  progress.step(
    'Checking that the generated event docs (schemas/, docs/events.md, docs/asyncapi.yaml) match the contracts',
  );
  const stale = schemaProblem();
  if (stale) {
    progress.warn(stale);
    problems.push('stale generated event docs');
  }

  progress.step('Unit and CDK tests');
  if (!(await vitest(['unit', 'cdk'], tally))) problems.push('unit/CDK tests');

  if (integration) {
    const missingBrowser = await browser;
    if (missingBrowser) fail(missingBrowser.message);
    const emulator = await ensureEmulator();
    let broker: Awaited<ReturnType<typeof ensureKafka>> | undefined;
    try {
      // The app's broker first: the Kafka tests reuse it (their own topics; the in-sync-replica
      // cluster has its own ports) and leave it running for the deploy, which runs meanwhile.
      broker = await ensureKafka({ brokers: 1 });
      const deployed = deployToEmulator(emulator.endpoint).then(
        () => undefined,
        (error: unknown) => error,
      );
      await kafkaTests(tally, problems);
      const deployError = await deployed;
      if (deployError) throw deployError;
      const source = await ensureEventSource(emulatorEnv(emulator.endpoint));
      progress.ok(`Local MSK event source running (PID ${source.pid})`);
      progress.step('Integration tests against the emulator');
      if (!(await vitest(['integration'], tally))) problems.push('integration tests');
      // Last: it redeploys with fault injection and back. Counted as one test.
      if (args.includes('--no-chaos')) progress.warn('Chaos run skipped (--no-chaos)');
      else {
        progress.step(
          `Chaos run: ${CHAOS.orders} orders, ${CHAOS.faultRate * 100}% faults, ${CHAOS.duplicateRate * 100}% duplicates, ${CHAOS.malformedRate * 100}% malformed`,
        );
        const chaos = await runChaos(CHAOS).then(
          (outcome) => outcome.violations.length === 0,
          (error: unknown) => {
            progress.warn(`chaos run: ${error instanceof Error ? error.message : String(error)}`);
            return false;
          },
        );
        if (chaos) tally.passed += 1;
        else {
          tally.failed += 1;
          problems.push('chaos run');
        }
      }
    } catch (error) {
      problems.push(`deploy: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if ((await stopEventSource()) === 'stopped') progress.ok('Stopped the local MSK event source');
      if (broker && broker.startedNow.length > 0) {
        await stopKafka({ brokers: 1 });
        progress.ok('Stopped the Kafka broker this run started');
      }
      if (emulator.startedNow) {
        await stopEmulator();
        progress.ok(`Stopped the emulator this run started (PID ${emulator.pid})`);
      }
    }
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (problems.length > 0) progress.warn(`Failed: ${problems.join('; ')} (${seconds} s)`);
  else progress.ok(`All checks passed in ${seconds} s`);
  // The plain closing line CI reads.
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exitCode = problems.length > 0 || tally.failed > 0 ? 1 : 0;
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
