import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ORDER_SAGA_OUTCOMES } from '../../contracts/saga-state.js';
import { deployToEmulator } from '../emulator/deploy.js';
import { ensureEmulator } from '../emulator/emulator.js';
import { AppClient } from '../shared/app-client.js';
import { ROOT } from '../shared/paths.js';
import { fail, progress, runMain } from '../shared/progress.js';
import { run } from '../shared/run.js';
import { settled } from '../shared/wait.js';
import {
  awaitSettled,
  awaitTerminal,
  chaosFaults,
  checkInvariants,
  planChaos,
  publishChaos,
  tallyDeadLetters,
} from './chaos.js';

const USAGE = `Usage: npm run chaos -- [--orders N] [--fault-rate F] [--duplicate-rate D] [--malformed-rate M] [--rate R] [--seed S]

Deploys the app with fault injection (every saga action and notification consumer fails a
fraction F of its calls), places N orders of mixed paths with a fraction D published twice and
a fraction M malformed, waits for every saga to end, turns the faults off (redeploys), redrives
what was dead-lettered, and checks that nothing was lost, doubled or left half-done. Prints a
report and exits 1 on any violation. Runs against the local emulator (or AWS_ENDPOINT_URL).

  --orders N           orders to place (default 200)
  --fault-rate F       0-1 (default 0.1)
  --duplicate-rate D   0-1 (default 0.05)
  --malformed-rate M   0-1 (default 0.02)
  --rate R             orders placed per second (default 1): the emulator runs every Lambda
                       worker on this machine, so an unpaced burst measures its queueing
  --seed S             whole number; the same seed plans the same run (default 1)`;

function rate(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    fail(`--${name} must be a number from 0 to 1, got '${value}'.`, 2);
  return n;
}

/** Redrive rounds after the faults are off; more means the app cannot drain its DLQs. */
const MAX_REDRIVE_ROUNDS = 3;

runMain(async () => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        orders: { type: 'string' },
        'fault-rate': { type: 'string' },
        'duplicate-rate': { type: 'string' },
        'malformed-rate': { type: 'string' },
        seed: { type: 'string' },
        rate: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`, 2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const orders = Number(values.orders ?? 200);
  if (!Number.isInteger(orders) || orders < 1 || orders > 10_000)
    fail(`--orders must be a whole number from 1 to 10000.`, 2);
  const seed = Number(values.seed ?? 1);
  if (!Number.isInteger(seed)) fail('--seed must be a whole number.', 2);
  const ratePerSecond = Number(values.rate ?? 1);
  if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0 || ratePerSecond > 1000)
    fail(`--rate must be a number of orders per second above 0 and at most 1000, got '${values.rate}'.`, 2);
  const options = {
    orders,
    seed,
    rate: ratePerSecond,
    faultRate: rate('fault-rate', values['fault-rate'] as string | undefined, 0.1),
    duplicateRate: rate('duplicate-rate', values['duplicate-rate'] as string | undefined, 0.05),
    malformedRate: rate('malformed-rate', values['malformed-rate'] as string | undefined, 0.02),
  };

  const emulator = await ensureEmulator();
  progress.step(`Deploying with fault injection (${options.faultRate * 100}% of calls fail, seed ${seed})`);
  await deployToEmulator(emulator.endpoint, { context: { faults: chaosFaults(options) } });
  const app = new AppClient(emulator.endpoint);
  const plan = planChaos(options);

  const started = Date.now();
  progress.step(`Placing ${orders} orders at ${options.rate} a second (run ${plan.run})`);
  const counts = await publishChaos(app, plan, options.rate);
  progress.info(
    `${counts.published} events published: ${counts.wellFormed} orders, ${counts.duplicates} duplicates, ${counts.malformed} malformed`,
  );
  await awaitSettled(app, plan, 20 * 60_000);
  const elapsed = (Date.now() - started) / 1000;

  progress.step('Turning the faults off (redeploying without fault injection)');
  await deployToEmulator(emulator.endpoint);
  const before = await tallyDeadLetters(app, plan);
  const dlqs = [
    ...(['Email', 'Loyalty', 'Analytics', 'Status'] as const).map((q) => ({
      name: `OrderNotifications/${q}Queue`,
      url: app.dlqUrl(q),
    })),
    { name: 'OrderFulfilment/SagaIntakeQueue', url: app.sagaOutput('SagaIntakeDlqUrl') },
  ];
  // A redriven message can time out again on a loaded emulator: redrive what is left, a few
  // rounds at most, and report every round.
  const rounds: number[] = [];
  let left = before;
  while (left.exhausted.length > 0 && rounds.length < MAX_REDRIVE_ROUNDS) {
    rounds.push(left.exhausted.length);
    progress.step(
      `Redrive round ${rounds.length}: ${left.exhausted.length} messages of this run exhausted their retries`,
    );
    for (const dlq of dlqs) {
      const messages = await app.scan(dlq.url);
      const exhausted = messages.some(
        (m) => m.Body?.includes(`chaos-${plan.run}-`) && !m.MessageAttributes?.failureReason,
      );
      if (exhausted) {
        await run(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [
          path.join(ROOT, 'scripts', 'redrive.ts'),
          dlq.name,
        ]);
      }
    }
    await settled(app, { timeoutMs: 10 * 60_000, intervalMs: 2000 });
    left = await tallyDeadLetters(app, plan);
  }
  // An order whose start is still dead-lettered has no saga to wait for: it is reported below.
  const status = await awaitTerminal(app, plan, 20 * 60_000, new Set(left.exhausted));
  await settled(app, { timeoutMs: 10 * 60_000, intervalMs: 2000 });

  progress.step('Checking the invariants');
  const after = await tallyDeadLetters(app, plan);
  const violations = await checkInvariants(app, plan, status, after);
  const confirmed = [...status.values()].filter((s) => s === ORDER_SAGA_OUTCOMES.completed).length;
  const cancelled = [...status.values()].filter((s) => s === ORDER_SAGA_OUTCOMES.compensated).length;
  const accounted = counts.wellFormed + counts.duplicates + after.rejected.size + after.exhausted.length;

  console.log(`\nChaos report (run ${plan.run}, seed ${seed})`);
  console.log(
    `  published          ${counts.published} (${counts.wellFormed} orders, ${counts.duplicates} duplicates, ${counts.malformed} malformed)`,
  );
  console.log(
    `  sagas              ${status.size} ended: ${confirmed} confirmed, ${cancelled} cancelled and compensated (both SUCCEEDED), ${status.size - confirmed - cancelled} failed`,
  );
  console.log(`  duplicates         ${counts.duplicates} absorbed (one execution per order)`);
  console.log(
    `  rejected           ${after.rejected.size} malformed events in a dead-letter queue with their reason`,
  );
  console.log(
    `  dead-lettered      ${before.exhausted.length} by exhausted retries; redriven in ${rounds.length} round(s) (${rounds.join(', ') || '-'}); ${after.exhausted.length} left`,
  );
  console.log(`  accounted for      ${accounted} of ${counts.published}`);
  console.log(
    `  time               ${elapsed.toFixed(1)} s to settle, ${(counts.wellFormed / elapsed).toFixed(2)} orders/s`,
  );
  if (accounted !== counts.published)
    violations.push({ orderId: '-', problem: `${counts.published - accounted} events unaccounted for` });
  if (violations.length > 0) {
    for (const v of violations.slice(0, 20)) console.log(`  ✘ ${v.orderId}: ${v.problem}`);
    fail(`${violations.length} invariant violations`);
  }
  progress.ok('Every invariant holds: nothing lost, nothing doubled, every order terminal');
});
