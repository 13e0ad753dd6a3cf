import { existsSync, readFileSync } from 'node:fs';
import * as net from 'node:net';

/**
 * What the engines this project starts in the background (the emulator, the Kafka nodes, the
 * local MSK event source) share: the PID they recorded, whether it still runs, and whether
 * their port answers.
 */

/** The PID recorded in `file`, if the file holds one. */
export function recordedPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Does a process with this PID exist (and may be signalled)? */
export function isAlive(pid: number): boolean {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
}

/**
 * Is this PID alive and the process its command line says (not a recycled PID)? Without
 * /proc (macOS) the PID file is trusted.
 */
export function runsCommand(pid: number, ...markers: string[]): boolean {
  if (!existsSync('/proc')) return isAlive(pid);
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // A zombie (killed, not yet reaped by its parent) still has a cmdline but is not running.
    const state = /\) (\S) /.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
    return state !== 'Z' && markers.every((m) => cmdline.includes(m));
  } catch {
    return false;
  }
}

/** Does host:port accept a TCP connection within the timeout? */
export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
