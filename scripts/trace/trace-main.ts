import { fail, progress, runMain } from '../shared/progress.js';
import { parseTraceArgs, TRACE_USAGE, UsageError } from './args.js';
import { formatTrace, traceOrder } from './trace.js';

runMain(async () => {
  let args: ReturnType<typeof parseTraceArgs>;
  try {
    args = parseTraceArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message}\n\n${TRACE_USAGE}`, 2);
    throw error;
  }
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
