import { AppClient } from '../shared/app-client.js';
import { fail, runMain } from '../shared/progress.js';
import { describeEnd, sagaEnd, sagaPath } from './saga.js';

const USAGE = `Usage: npm run saga:status -- <orderId>

Shows the fulfilment saga execution of one order (on the local emulator, or AWS_ENDPOINT_URL):
its status and outcome (CONFIRMED; CANCELLED with the reason, which is a SUCCEEDED execution;
FAILED only when a compensation, settle or hook could not finish), each step with its
attempts and outcome, and the compensations that ran.`;

runMain(async () => {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  if (args.length !== 1 || args[0]?.startsWith('-')) fail(`give exactly one order id.\n\n${USAGE}`, 2);
  const orderId = args[0] ?? '';
  const app = new AppClient();
  const execution = await app.execution(orderId);
  if (!execution)
    fail(`no saga execution for order '${orderId}' (it was never placed, or its OrderPlaced was rejected).`);

  console.log(`order      ${orderId}`);
  console.log(`execution  ${execution.executionArn}`);
  console.log(`status     ${execution.status}`);
  if (execution.status !== 'RUNNING') console.log(`outcome    ${describeEnd(sagaEnd(execution))}`);
  console.log(
    `started    ${execution.startDate?.toISOString()}${execution.stopDate ? `, stopped ${execution.stopDate.toISOString()}` : ''}`,
  );
  const runs = sagaPath(await app.history(orderId));
  const width = Math.max(...runs.map((r) => r.state.length));
  console.log('\nsteps');
  for (const r of runs.filter((x) => x.kind !== 'compensation')) {
    console.log(
      `  ${r.state.padEnd(width)}  ${r.outcome.padEnd(20)} ${r.attempts} attempt${r.attempts > 1 ? 's' : ''}`,
    );
  }
  const compensations = runs.filter((x) => x.kind === 'compensation');
  console.log(`\ncompensations${compensations.length === 0 ? '  none' : ' (in the order they ran)'}`);
  for (const r of compensations)
    console.log(
      `  ${r.state.padEnd(width)}  ${r.outcome.padEnd(20)} ${r.attempts} attempt${r.attempts > 1 ? 's' : ''}`,
    );
});
