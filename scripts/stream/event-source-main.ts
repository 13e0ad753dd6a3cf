import { DEFAULT_ENDPOINT, emulatorEnv, probe } from '../emulator/emulator.js';
import { fail, progress, runMain } from '../shared/progress.js';
import {
  EVENT_SOURCE_LOG,
  ensureEventSource,
  eventSourcePid,
  READY_LINE,
  stopEventSource,
} from './event-source-process.js';
import { startLocalEventSource } from './local-event-source.js';

const USAGE = `Usage: npm run stream:events -- <start|stop|status>

The local stand-in for Lambda's MSK event source (the emulator has none): one consumer per
MSK event source mapping of the deployed app, on the local broker, invoking the deployed
function. npm run local and npm test start and stop it themselves.

  start    start it in the background (PID in .local/msk-event-source.pid)
  stop     stop it by its recorded PID
  status   say whether it runs`;

runMain(async () => {
  const [command, ...rest] = process.argv.slice(2);
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (rest.length > 0 || !['start', 'stop', 'status', 'run'].includes(command ?? ''))
    fail(
      `${command === undefined ? 'a command is required' : `unknown arguments: ${[command, ...rest].join(' ')}`}\n\n${USAGE}`,
      2,
    );
  const env = emulatorEnv(process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT);
  switch (command) {
    case 'run': {
      // The background process itself.
      const source = await startLocalEventSource(env, (line) =>
        console.log(`${new Date().toISOString()} ${line}`),
      );
      console.log(`${READY_LINE}: ${source.mappings.length} mapping(s)`);
      const stop = async () => {
        await source.stop();
        process.exit(0);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      return;
    }
    case 'start': {
      if ((await probe(env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT)).kind !== 'emulator')
        fail(
          'the emulator is not running: start it and deploy first (npm run local, or npm run deploy:local).',
        );
      const { pid, reused } = await ensureEventSource(env);
      progress.ok(
        `${reused ? 'Reusing the' : 'Started the'} local MSK event source (PID ${pid}, log ${EVENT_SOURCE_LOG})`,
      );
      return;
    }
    case 'stop': {
      const result = await stopEventSource();
      progress.ok(
        result === 'stopped'
          ? 'Stopped the local MSK event source'
          : 'The local MSK event source was not running',
      );
      return;
    }
    case 'status': {
      const pid = eventSourcePid();
      console.log(pid === undefined ? 'stopped' : `running, PID ${pid} (log ${EVENT_SOURCE_LOG})`);
      return;
    }
  }
});
