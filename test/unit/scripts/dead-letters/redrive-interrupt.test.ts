import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../../../scripts/shared/paths.js';

/**
 * Ctrl-C as a terminal sends it: SIGINT to the whole process group, here npm, its `sh -c`,
 * tsx and the script's node. The endpoint never answers, so the script is held in its first
 * AWS call (finding the stacks' queues) until the signal comes; no emulator is needed.
 */

/** The status a shell reports: the exit code, or 128 + the signal's number. */
function shellStatus(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + (signal ? constants.signals[signal] : 0);
}

/** Rejects after `ms` with what it was waiting for. */
function deadline<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

let server: Server;
let firstRequest: Promise<IncomingMessage>;
let child: ChildProcess | undefined;

beforeEach(async () => {
  let received: (request: IncomingMessage) => void = () => undefined;
  firstRequest = new Promise((resolve) => {
    received = resolve;
  });
  server = createServer((request) => received(request)); // and never answer
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Start `command` in its own process group, Ctrl-C it once it calls AWS, and wait for the end. */
async function interruptWhileCallingAws(command: string, args: readonly string[]) {
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const started = spawn(command, args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_ENDPOINT_URL: endpoint, NO_COLOR: '1', npm_config_update_notifier: 'false' },
  });
  child = started;
  let stderr = '';
  started.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    started.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const request = await deadline('the first AWS call', 20_000, firstRequest);
  expect(request.method).toBe('POST');
  process.kill(-(started.pid ?? 0), 'SIGINT');
  const { code, signal } = await deadline('the end after Ctrl-C', 10_000, ended);
  return { status: shellStatus(code, signal), stderr };
}

describe('npm run redrive: Ctrl-C', () => {
  it('ends with status 130 under npm run (npm → sh → tsx → node), saying so', async () => {
    const run = await interruptWhileCallingAws('npm', ['run', '--silent', 'redrive', '--', '--all']);
    expect(run.status).toBe(130);
    expect(run.stderr).toMatch(/error: interrupted before anything moved/);
  }, 40_000);

  it('ends with exit code 130 under tsx alone', async () => {
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const run = await interruptWhileCallingAws(tsx, [
      path.join(ROOT, 'scripts', 'dead-letters/redrive-main.ts'),
      '--all',
    ]);
    expect(run.status).toBe(130);
    expect(run.stderr).toMatch(/error: interrupted before anything moved/);
  }, 40_000);
});
