import { AppClient } from '../shared/app-client.js';
import { fail, runMain } from '../shared/progress.js';
import { formatHistory, HISTORY_USAGE, parseHistoryArgs, UsageError } from './history.js';

runMain(async () => {
  let args: ReturnType<typeof parseHistoryArgs>;
  try {
    args = parseHistoryArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message}\n\n${HISTORY_USAGE}`, 2);
    throw error;
  }
  if (args.help) {
    console.log(HISTORY_USAGE);
    return;
  }
  const events = await new AppClient().eventStore().history(args.orderId);
  if (events.length === 0)
    fail(`no events for order '${args.orderId}' in the event store: is the id right, and the app deployed?`);
  console.log(formatHistory(args.orderId, events));
});
