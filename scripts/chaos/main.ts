import { parseArgs } from 'node:util';
import { ensureKafka, stopKafka } from '../kafka/engine.js';
import { fail, progress, runMain } from '../shared/progress.js';
import { runChaos } from './run-chaos.js';

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

  // The relay appends to the order log: its broker must be up (stopped after, if started here).
  const broker = await ensureKafka({ brokers: 1 });
  const outcome = await runChaos(options).finally(async () => {
    if (broker.startedNow.length > 0) await stopKafka({ brokers: 1 });
  });
  if (outcome.violations.length > 0) fail(`${outcome.violations.length} invariant violations`);
  progress.ok('Every invariant holds: nothing lost, nothing doubled, every order terminal');
});
