import { randomUUID } from 'node:crypto';
import { deployToEmulator } from '../emulator/deploy.js';
import { emulatorEnv, ensureEmulator, stopEmulator } from '../emulator/emulator.js';
import { ensureKafka, stopKafka } from '../kafka/engine.js';
import { AppClient } from '../shared/app-client.js';
import { fail, progress, runMain } from '../shared/progress.js';
import { ensureEventSource, stopEventSource } from '../stream/event-source-process.js';
import { busRoutingScene } from './scenes/bus-routing.js';
import { eventStoreScene } from './scenes/event-store.js';
import { fanOutScene } from './scenes/fan-out.js';
import { orderLogScene } from './scenes/order-log.js';
import { sagaPathsScene } from './scenes/saga-paths.js';
import type { DemoRun } from './scenes/shared.js';
import { traceScene } from './scenes/trace.js';

const USAGE = `Usage: npm run local            start (or reuse) the emulator and the Kafka broker, deploy,
                                start the local MSK event source, and show events flowing
       npm run local:down       stop what npm run local started (event source, broker, emulator)

Set AWS_ENDPOINT_URL to use an emulator you run yourself (e.g. LocalStack).`;

/** The demo: six scenes against the deployed app, each printing what it shows. */
async function demo(endpoint: string): Promise<void> {
  const app = new AppClient(endpoint);
  const run = randomUUID().slice(0, 6);
  const demoRun: DemoRun = { run, id: (n) => `demo-${run}-${n}` };
  await busRoutingScene(app, demoRun);
  await sagaPathsScene(app, demoRun);
  await fanOutScene(app, demoRun);
  await eventStoreScene(app, demoRun);
  await orderLogScene(app, demoRun);
  await traceScene(demoRun);
  console.log(`\nReplay the last 15 minutes of the bus: npm run replay -- --from 15m --to now`);
  console.log(
    `The emulator (${endpoint}), the Kafka broker and the MSK event source keep running. Stop them with: npm run local:down\n`,
  );
}

runMain(async () => {
  const [command = 'up', ...rest] = process.argv.slice(2);
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (rest.length > 0) fail(`unexpected argument '${rest[0]}'.\n${USAGE}`, 2);
  if (command === 'down') {
    const source = await stopEventSource();
    if (source === 'stopped') progress.ok('Local MSK event source stopped');
    const brokers = await stopKafka({ brokers: 1 });
    if (brokers.length > 0) progress.ok('Kafka broker stopped');
    const result = await stopEmulator();
    progress.ok(result === 'stopped' ? 'Emulator stopped' : 'No emulator started by this project is running');
    return;
  }
  if (command !== 'up') fail(`unknown command '${command}'.\n${USAGE}`, 2);
  const emulator = await ensureEmulator();
  // The order log's broker: the deploy creates its topic there, the event source reads it.
  await ensureKafka({ brokers: 1 });
  await deployToEmulator(emulator.endpoint);
  const source = await ensureEventSource(emulatorEnv(emulator.endpoint));
  progress.ok(`${source.reused ? 'Reusing the' : 'Started the'} local MSK event source (PID ${source.pid})`);
  await demo(emulator.endpoint);
});
