import { AppClient } from '../shared/app-client.js';
import { fail, runMain } from '../shared/progress.js';
import { parseCommandLine } from '../shared/usage.js';
import { formatHistory, HISTORY_USAGE, parseHistoryArgs } from './history.js';

runMain(async () => {
  const args = parseCommandLine(() => parseHistoryArgs(process.argv.slice(2)), HISTORY_USAGE);
  if (args.help) {
    console.log(HISTORY_USAGE);
    return;
  }
  const events = await new AppClient().eventStore().history(args.orderId);
  if (events.length === 0)
    fail(`no events for order '${args.orderId}' in the event store: is the id right, and the app deployed?`);
  console.log(formatHistory(args.orderId, events));
});
