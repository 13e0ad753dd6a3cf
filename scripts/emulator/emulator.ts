import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { LOCAL_DIR, ROOT } from '../shared/paths.js';
import { isAlive, recordedPid, runsCommand } from '../shared/process.js';
import { progress } from '../shared/progress.js';
import { run } from '../shared/run.js';

/** The emulator version this project is tested with (see scripts/emulator/requirements.txt). */
export const EMULATOR_PACKAGE = 'ministack';
export const EMULATOR_VERSION = '1.5.33';
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4566;
export const DEFAULT_ENDPOINT = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;
export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';

// The SDK warns on Node 20 in every process that uses it; these scripts support Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The project's Python virtualenv: the emulator and the Python validators (cfn-lint) share it. */
export const VENV_DIR = path.join(LOCAL_DIR, 'venv');
const VENV_PYTHON = path.join(VENV_DIR, 'bin', 'python');
export const EMULATOR_REQUIREMENTS = path.join(ROOT, 'scripts', 'emulator', 'requirements.txt');
const PID_FILE = path.join(LOCAL_DIR, 'emulator.pid');
export const EMULATOR_LOG = path.join(LOCAL_DIR, 'emulator.log');

export interface EmulatorHandle {
  readonly endpoint: string;
  /** True when this call started the process; the caller then stops it when done. */
  readonly startedNow: boolean;
  readonly pid?: number;
}

/** Environment that points the AWS SDK and CDK CLI at the emulator with test credentials. */
export function emulatorEnv(endpoint: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    CDK_DEFAULT_ACCOUNT: ACCOUNT,
    CDK_DEFAULT_REGION: REGION,
    // Node 20 is supported here until the SDK drops it; the warning is noise in every command.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** AWS SDK client settings for the endpoint in an emulator environment. */
export function clientConfig(env: NodeJS.ProcessEnv) {
  return {
    region: env.AWS_REGION ?? REGION,
    endpoint: env.AWS_ENDPOINT_URL,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'test',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'test',
    },
  };
}

type Probe = { kind: 'emulator'; version?: string } | { kind: 'other'; detail: string } | { kind: 'closed' };

/** What answers at an endpoint: an AWS emulator, something else, or nothing. */
export async function probe(endpoint: string): Promise<Probe> {
  const url = new URL(endpoint);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const open = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: url.hostname, port, timeout: 1500 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
  if (!open) return { kind: 'closed' };
  try {
    const response = await fetch(new URL('/_localstack/health', endpoint), {
      signal: AbortSignal.timeout(3000),
    });
    const body = (await response.json()) as { services?: unknown; version?: string };
    if (response.ok && typeof body.services === 'object') return { kind: 'emulator', version: body.version };
    return { kind: 'other', detail: `HTTP ${response.status} without an emulator health document` };
  } catch (error) {
    return { kind: 'other', detail: error instanceof Error ? error.message : String(error) };
  }
}

const recordedEmulatorPid = () => recordedPid(PID_FILE);

/** Is this PID alive and an emulator process we started (not a recycled PID)? */
const isOurEmulator = (pid: number): boolean => runsCommand(pid, EMULATOR_PACKAGE);

function findPython(needs: string, otherwise?: string): string {
  for (const candidate of ['python3', 'python']) {
    const result = spawnSync(candidate, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
      encoding: 'utf8',
    });
    if (result.status === 0) {
      const [major = 0, minor = 0] = result.stdout.trim().split('.').map(Number);
      if (major === 3 && minor >= 10) return candidate;
      throw new Error(`${candidate} is Python ${result.stdout.trim()}; ${needs} needs Python 3.10 or newer.`);
    }
  }
  throw new Error(
    `Python 3.10+ was not found (tried python3, python); ${needs} needs it. ` +
      `Install it (e.g. \`apt-get install python3 python3-venv\`)${otherwise ? ` or ${otherwise}` : ''}.`,
  );
}

/**
 * Install pinned requirement files into .local/venv (creating it on first use); a no-op when
 * the marker file holds the same pins. Several tools share this one virtualenv: each installs
 * its files together with any it must agree with, so pip refuses a conflict instead of
 * quietly replacing another tool's pin.
 */
export async function installIntoVenv(options: {
  readonly requirements: readonly string[];
  /** File name under .local/venv that records what was installed. */
  readonly marker: string;
  /** What is being installed, for progress lines and errors. */
  readonly label: string;
  /** What a user without Python can do instead, if anything. */
  readonly otherwise?: string;
}): Promise<void> {
  const marker = path.join(VENV_DIR, options.marker);
  const wanted = options.requirements.map((file) => readFileSync(file, 'utf8')).join('\n');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return;
  const python = findPython(options.label, options.otherwise);
  mkdirSync(LOCAL_DIR, { recursive: true });
  progress.step(`Installing ${options.label} into .local/venv (first run only)`);
  if (!existsSync(VENV_PYTHON)) {
    await run(python, ['-m', 'venv', VENV_DIR], { quiet: true }).catch((error: Error) => {
      throw new Error(
        `could not create a virtualenv with ${python} -m venv (on Debian/Ubuntu: apt-get install python3-venv).\n${error.message}`,
      );
    });
  }
  const files = options.requirements.map((file) => path.relative(ROOT, file));
  const pip = path.join(VENV_DIR, 'bin', 'pip');
  await run(pip, ['install', '--quiet', '--disable-pip-version-check', ...files.flatMap((f) => ['-r', f])], {
    quiet: true,
    cwd: ROOT,
  }).catch((error: Error) => {
    throw new Error(`pip could not install ${options.label} from ${files.join(' + ')}.\n${error.message}`);
  });
  writeFileSync(marker, wanted);
  progress.ok(`${options.label} installed`);
}

/** Install the pinned emulator into .local/venv; a no-op when the same pins are installed. */
export async function installEmulator(): Promise<void> {
  await installIntoVenv({
    requirements: [EMULATOR_REQUIREMENTS],
    marker: '.installed-requirements',
    label: `${EMULATOR_PACKAGE} ${EMULATOR_VERSION}`,
    otherwise: 'point AWS_ENDPOINT_URL at a running LocalStack-compatible emulator',
  });
}

async function waitForHealth(endpoint: string, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new Error(
        `the emulator exited during start-up; last lines of ${path.relative(ROOT, EMULATOR_LOG)}:\n${logTail()}`,
      );
    }
    if ((await probe(endpoint)).kind === 'emulator') return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `the emulator did not answer ${endpoint}/_localstack/health within ${timeoutMs / 1000} s:\n${logTail()}`,
  );
}

function logTail(): string {
  return existsSync(EMULATOR_LOG)
    ? readFileSync(EMULATOR_LOG, 'utf8').trim().split('\n').slice(-20).join('\n')
    : '(no log)';
}

/**
 * Make sure an emulator answers: reuse AWS_ENDPOINT_URL or one already on 127.0.0.1:4566,
 * otherwise install (first run) and start the pinned MiniStack in the background.
 */
export async function ensureEmulator(): Promise<EmulatorHandle> {
  const configured = process.env.AWS_ENDPOINT_URL;
  if (configured) {
    const found = await probe(configured);
    if (found.kind === 'emulator') {
      progress.ok(
        `Using the emulator at AWS_ENDPOINT_URL=${configured}${found.version ? ` (version ${found.version})` : ''}`,
      );
      return { endpoint: configured, startedNow: false };
    }
    if (configured !== DEFAULT_ENDPOINT) {
      throw new Error(
        `AWS_ENDPOINT_URL=${configured} does not answer as an emulator (${found.kind === 'other' ? found.detail : 'nothing listens there'}). ` +
          'Start it, or unset AWS_ENDPOINT_URL to let this project start its own.',
      );
    }
  }

  const existing = await probe(DEFAULT_ENDPOINT);
  const pid = recordedEmulatorPid();
  if (existing.kind === 'emulator') {
    const ours = pid !== undefined && isOurEmulator(pid);
    progress.ok(
      `Reusing the emulator already running at ${DEFAULT_ENDPOINT}${ours ? ` (PID ${pid}, started by this project)` : ''}`,
    );
    return { endpoint: DEFAULT_ENDPOINT, startedNow: false, ...(ours ? { pid } : {}) };
  }
  if (existing.kind === 'other') {
    throw new Error(
      `port ${DEFAULT_PORT} is taken by something that is not an AWS emulator (${existing.detail}). ` +
        `Stop it (e.g. find it with \`ss -ltnp 'sport = :${DEFAULT_PORT}'\`) or set AWS_ENDPOINT_URL to your emulator.`,
    );
  }

  await installEmulator();
  progress.step(`Starting ${EMULATOR_PACKAGE} ${EMULATOR_VERSION} on ${DEFAULT_ENDPOINT}`);
  mkdirSync(LOCAL_DIR, { recursive: true });
  const log = openSync(EMULATOR_LOG, 'w');
  const child = spawn(path.join(VENV_DIR, 'bin', EMULATOR_PACKAGE), [], {
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      GATEWAY_PORT: String(DEFAULT_PORT),
      BIND_HOST: DEFAULT_HOST, // loopback only
      MINISTACK_REGION: REGION,
      MINISTACK_ACCOUNT_ID: ACCOUNT,
      LOG_LEVEL: process.env.EMULATOR_LOG_LEVEL ?? 'WARNING',
      // Functions run on this host's Node 20 here (nodejs22.x on AWS); mute the SDK's notice.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error('could not start the emulator process.');
  child.unref();
  writeFileSync(PID_FILE, String(child.pid));
  await waitForHealth(DEFAULT_ENDPOINT, child.pid, 60_000);
  progress.ok(`Emulator ready (PID ${child.pid}, log .local/emulator.log)`);
  return { endpoint: DEFAULT_ENDPOINT, startedNow: true, pid: child.pid };
}

/** Stop the emulator this project started, by the PID it recorded; anything else is left alone. */
export async function stopEmulator(): Promise<'stopped' | 'not-running'> {
  const pid = recordedEmulatorPid();
  if (pid === undefined || !isOurEmulator(pid)) {
    rmSync(PID_FILE, { force: true });
    return 'not-running';
  }
  // The emulator was started detached, as the leader of its own process group: signalling the
  // group stops its Lambda worker processes too, which it does not always stop itself.
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      process.kill(pid, sig);
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 10_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) signal('SIGKILL');
  // Workers that outlived the emulator (same group) are ended as well.
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // none left
  }
  rmSync(PID_FILE, { force: true });
  return 'stopped';
}
