import { ORDER_SAGA_OUTCOMES } from '../../contracts/saga-state.js';
import { parseRedriveArgs, type RedriveCommand } from '../dead-letters/cli.js';
import { redriveDeadLetters } from '../dead-letters/redrive-command.js';
import { deployToEmulator } from '../emulator/deploy.js';
import { ensureEmulator } from '../emulator/emulator.js';
import { AppClient } from '../shared/app-client.js';
import { progress } from '../shared/progress.js';
import { settled } from '../shared/wait.js';
import {
  awaitSettled,
  awaitTerminal,
  type ChaosOptions,
  chaosFaults,
  checkInvariants,
  planChaos,
  publishChaos,
  tallyDeadLetters,
  type Violation,
} from './chaos.js';

/** Redrive rounds after the faults are off; more means the app cannot drain its DLQs. */
const MAX_REDRIVE_ROUNDS = 3;

export interface ChaosOutcome {
  readonly published: number;
  readonly accounted: number;
  readonly violations: readonly Violation[];
}

/** The redrive of one DLQ by name, with the redrive command's defaults. */
function redriveCommand(queue: string): RedriveCommand {
  const command = parseRedriveArgs([queue]);
  if (command.command !== 'redrive') throw new Error(`no redrive command for ${queue}`);
  return command;
}

/**
 * The chaos run: deploy with faults, place the orders, wait, turn the faults off, redrive
 * what was dead-lettered, and check the invariants. Prints a report; the violations are the
 * result (none: nothing lost, nothing doubled, every order terminal).
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosOutcome> {
  const emulator = await ensureEmulator();
  progress.step(
    `Deploying with fault injection (${options.faultRate * 100}% of calls fail, seed ${options.seed})`,
  );
  await deployToEmulator(emulator.endpoint, { context: { faults: chaosFaults(options) } });
  const app = new AppClient(emulator.endpoint);
  const plan = planChaos(options);

  const started = Date.now();
  progress.step(`Placing ${options.orders} orders at ${options.rate} a second (run ${plan.run})`);
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
        const { problems } = await redriveDeadLetters(redriveCommand(dlq.name));
        if (problems > 0) throw new Error(`${problems} message(s) of ${dlq.name} could not be redriven`);
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

  console.log(`\nChaos report (run ${plan.run}, seed ${options.seed})`);
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
  for (const v of violations.slice(0, 20)) console.log(`  ✘ ${v.orderId}: ${v.problem}`);
  return { published: counts.published, accounted, violations };
}
