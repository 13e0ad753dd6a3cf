import { fail, progress, runMain } from '../shared/progress.js';
import { parseCommandLine } from '../shared/usage.js';
import { parseTraceArgs, TRACE_USAGE } from './args.js';
import { formatTrace, traceOrder } from './trace.js';

runMain(async () => {
  const args = parseCommandLine(() => parseTraceArgs(process.argv.slice(2)), TRACE_USAGE);
  if (args.help) {
    console.log(TRACE_USAGE);
    return;
  }
  const trace = await traceOrder(args.id, {
    aws: args.aws,
    insights: args.insights,
    ...(args.since === undefined ? {} : { since: args.since }),
    onProgress: (message) => progress.info(message),
  });
  if (!trace)
    fail(
      `nothing knows '${args.id}': no log line has it as an orderId or correlationId, and no saga ` +
        'execution or event store entry has it as an order id. Is the id right, and the app deployed here?',
    );
  console.log(args.json ? JSON.stringify(trace, null, 2) : formatTrace(trace));
});
