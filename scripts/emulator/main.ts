import { fail, progress, runMain } from '../shared/progress.js';
import { DEFAULT_ENDPOINT, ensureEmulator, probe, stopEmulator } from './emulator.js';

const USAGE = `Usage: npm run emulator -- <start|stop|status>

  start   install (first run) and start the pinned emulator on ${DEFAULT_ENDPOINT},
          or reuse AWS_ENDPOINT_URL / one already running
  stop    stop the emulator this project started (by its recorded PID)
  status  say what answers at the endpoint`;

runMain(async () => {
  const [command, ...rest] = process.argv.slice(2);
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (rest.length > 0) fail(`unexpected argument '${rest[0]}'.\n${USAGE}`, 2);
  switch (command) {
    case 'start': {
      const handle = await ensureEmulator();
      console.log(handle.endpoint);
      return;
    }
    case 'stop': {
      const result = await stopEmulator();
      progress.ok(
        result === 'stopped' ? 'Emulator stopped' : 'No emulator started by this project is running',
      );
      return;
    }
    case 'status': {
      const endpoint = process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT;
      const found = await probe(endpoint);
      console.log(
        `${endpoint}: ${found.kind}${found.kind === 'emulator' && found.version ? ` ${found.version}` : ''}`,
      );
      return;
    }
    default:
      fail(command ? `unknown command '${command}'.\n${USAGE}` : USAGE, 2);
  }
});
