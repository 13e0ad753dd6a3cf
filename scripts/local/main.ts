import { randomUUID } from 'node:crypto';
import { deployToEmulator } from '../emulator/deploy.js';
import { ensureEmulator, stopEmulator } from '../emulator/emulator.js';
import { AppClient } from '../shared/app-client.js';
import { fail, progress, runMain } from '../shared/progress.js';
import { busRoutingScene } from './scenes/bus-routing.js';
import { eventStoreScene } from './scenes/event-store.js';
import { fanOutScene } from './scenes/fan-out.js';
import { sagaPathsScene } from './scenes/saga-paths.js';
import type { DemoRun } from './scenes/shared.js';

const USAGE = `Usage: npm run local            start (or reuse) the emulator, deploy, and show events flowing
       npm run local:down       stop the emulator that npm run local started

Set AWS_ENDPOINT_URL to use an emulator you run yourself (e.g. LocalStack).`;

/** The demo: four scenes against the deployed app, each printing what it shows. */
async function demo(endpoint: string): Promise<void> {
  const app = new AppClient(endpoint);
  const run = randomUUID().slice(0, 6);
  const demoRun: DemoRun = { run, id: (n) => `demo-${run}-${n}` };
  await busRoutingScene(app, demoRun);
  await sagaPathsScene(app, demoRun);
  await fanOutScene(app, demoRun);
  await eventStoreScene(app, demoRun);
  console.log(`\nReplay the last 15 minutes of the bus: npm run replay -- --from 15m --to now`);
  console.log(`The emulator keeps running at ${endpoint}. Stop it with: npm run local:down\n`);
}

runMain(async () => {
  const [command = 'up', ...rest] = process.argv.slice(2);
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (rest.length > 0) fail(`unexpected argument '${rest[0]}'.\n${USAGE}`, 2);
  if (command === 'down') {
    const result = await stopEmulator();
    progress.ok(result === 'stopped' ? 'Emulator stopped' : 'No emulator started by this project is running');
    return;
  }
  if (command !== 'up') fail(`unknown command '${command}'.\n${USAGE}`, 2);
  const emulator = await ensureEmulator();
  await deployToEmulator(emulator.endpoint);
  await demo(emulator.endpoint);
});
