import { newOrderId, placeOrder } from '../../contracts/samples.js';
import { AppClient } from '../shared/app-client.js';
import { fail, progress, runMain } from '../shared/progress.js';
import { parseCommandLine } from '../shared/usage.js';
import { formatTrace, traceOrder } from '../trace/trace.js';
import { CONSOLE_USAGE, parseConsoleArgs } from './args.js';
import { ensureChromium } from './browser.js';
import { screenshotConsole } from './screenshot.js';
import { type RunningConsole, startConsole } from './server.js';

runMain(async () => {
  const args = parseCommandLine(() => parseConsoleArgs(process.argv.slice(2)), CONSOLE_USAGE);
  if (args.command === 'help') {
    console.log(CONSOLE_USAGE);
    return;
  }

  progress.step('Starting the console (drawing the app from cdk.out, bundling the page)');
  const running = await startConsole({
    port: args.port,
    pollMs: args.pollSeconds * 1000,
    tracer: { traceOrder, formatTrace },
    log: (line) => progress.warn(line),
  });

  if (args.command === 'screenshot') {
    try {
      await ensureChromium();
      const orderId = args.orderId ?? (await placeSampleOrder());
      progress.step(`Taking a screenshot of ${running.url} with the trace of ${orderId}`);
      await screenshotConsole(running.url, orderId, args.file);
      progress.ok(`Wrote ${args.file}`);
    } finally {
      await running.close();
    }
    return;
  }

  progress.ok(`Console ready (this machine only; Ctrl-C to stop): ${running.url}`);
  console.log(running.url);
  stopOnSignal(running);
});

/** Ctrl-C (or a TERM) closes the server and its broker connection, then exits 0. */
function stopOnSignal(running: RunningConsole): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(130); // A second Ctrl-C: at once.
    stopping = true;
    progress.info(`${signal}: stopping the console`);
    running.close().then(
      () => {
        progress.ok('Console stopped');
        process.exit(0);
      },
      (error: unknown) => fail(`stopping the console: ${String(error)}`),
    );
  };
  process.on('SIGINT', () => stop('Ctrl-C'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** An order on the deployed app, traced once its saga has ended. */
async function placeSampleOrder(): Promise<string> {
  const app = new AppClient();
  const orderId = newOrderId('console');
  progress.step(`Placing order ${orderId} and waiting for its saga to end`);
  await app.publisher.publish([placeOrder({ orderId, total: 150 })]);
  await app.sagaEnd(orderId);
  return orderId;
}
