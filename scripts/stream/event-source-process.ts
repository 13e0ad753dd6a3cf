import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LOCAL_KAFKA_BROKERS } from '../../lib/emulator/emulator-compatibility.js';
import { LOCAL_DIR, ROOT } from '../shared/paths.js';
import { isAlive, portOpen, recordedPid, runsCommand } from '../shared/process.js';

/**
 * The local MSK event source as a background process, like the emulator and the broker:
 * started detached, its PID recorded, health-checked by the line it logs once every mapping
 * has joined its group, stopped by that PID.
 */
export const EVENT_SOURCE_PID_FILE = path.join(LOCAL_DIR, 'msk-event-source.pid');
export const EVENT_SOURCE_LOG = path.join(LOCAL_DIR, 'msk-event-source.log');
/** What the process logs once it consumes for every mapping. */
export const READY_LINE = 'local MSK event source ready';
const ENTRY = path.join(ROOT, 'scripts', 'stream', 'event-source-main.ts');

/** The recorded PID, if it is alive and this script (not a recycled PID). */
export function eventSourcePid(): number | undefined {
  const pid = recordedPid(EVENT_SOURCE_PID_FILE);
  return pid !== undefined && runsCommand(pid, 'event-source-main') ? pid : undefined;
}

/** Fails with what to do when the local broker the emulator build points at is not up. */
export async function requireLocalBroker(
  needs: string,
  broker = LOCAL_KAFKA_BROKERS.split(',')[0] ?? LOCAL_KAFKA_BROKERS,
): Promise<void> {
  const [host = '', port] = broker.split(':');
  if (await portOpen(host, Number(port))) return;
  throw new Error(
    `${needs} needs the local Kafka broker on ${broker}, and nothing answers there. ` +
      'Start it with `npm run kafka -- start` (npm run local and npm test start it themselves).',
  );
}

const logText = () => (existsSync(EVENT_SOURCE_LOG) ? readFileSync(EVENT_SOURCE_LOG, 'utf8') : '');

/** Start the event source in the background unless it runs; resolves with its PID once ready. */
export async function ensureEventSource(
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<{ pid: number; reused: boolean }> {
  const running = eventSourcePid();
  if (running !== undefined) return { pid: running, reused: true };
  await requireLocalBroker('The local MSK event source');
  writeFileSync(EVENT_SOURCE_LOG, '');
  const out = openSync(EVENT_SOURCE_LOG, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'run'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the local MSK event source.');
  child.unref();
  writeFileSync(EVENT_SOURCE_PID_FILE, String(pid));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (logText().includes(READY_LINE)) return { pid, reused: false };
    if (!isAlive(pid)) {
      rmSync(EVENT_SOURCE_PID_FILE, { force: true });
      throw new Error(`the local MSK event source exited:\n${logText().split('\n').slice(-15).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopEventSource();
  throw new Error(
    `the local MSK event source was not ready in ${timeoutMs / 1000} s; see ${EVENT_SOURCE_LOG}.`,
  );
}

/** Stop the event source by its recorded PID (its consumers leave their groups first). */
export async function stopEventSource(): Promise<'stopped' | 'not-running'> {
  const pid = eventSourcePid();
  if (pid === undefined) {
    rmSync(EVENT_SOURCE_PID_FILE, { force: true });
    return 'not-running';
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(EVENT_SOURCE_PID_FILE, { force: true });
  return 'stopped';
}
