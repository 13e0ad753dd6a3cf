import { fail, progress, runMain } from '../shared/progress.js';
import { parseCommandLine, UsageError } from '../shared/usage.js';
import { handleInterrupts, parseRedriveArgs, REDRIVE_USAGE } from './cli.js';
import { QueueChoiceError } from './dead-letters.js';
import { redriveDeadLetters } from './redrive-command.js';

runMain(async () => {
  const args = parseCommandLine(() => parseRedriveArgs(process.argv.slice(2)), REDRIVE_USAGE);
  if (args.command === 'help') {
    console.log(REDRIVE_USAGE);
    return;
  }

  // Ctrl-C is handled from the start: a run interrupted while it looks for the queues ends
  // with the same message and status as one interrupted later.
  const interrupts = handleInterrupts(
    (message) => fail(message, 130),
    (message) => progress.warn(message),
  );
  process.on('SIGINT', interrupts.onSigint);

  let problems: number;
  try {
    ({ problems } = await redriveDeadLetters(args, {
      signal: interrupts.signal,
      onMoving: () => interrupts.moving(),
    }));
  } catch (error) {
    if (error instanceof UsageError || error instanceof QueueChoiceError) fail(error.message, 2);
    throw error;
  }
  if (interrupts.signal.aborted)
    fail('interrupted: what was copied was deleted from the DLQ; re-run to go on.', 130);
  if (problems > 0) {
    fail(
      `${problems} message(s) could not be moved and are still in their DLQ; npm run dlq -- peek <queue> shows them.`,
    );
  }
});
