import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { progress } from '../shared/progress.js';
import { run } from '../shared/run.js';

/**
 * The headless browser of the console's test and screenshot: Debian's `chromium`, driven by
 * playwright-core (which downloads no browser of its own).
 */

export const CHROMIUM_PACKAGE = 'chromium';
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

const HOW_TO_INSTALL =
  `install Debian's ${CHROMIUM_PACKAGE} package (sudo apt-get install -y ${CHROMIUM_PACKAGE}), ` +
  'or set CHROMIUM_PATH to a Chromium or Chrome executable';

/** Where the browser is: CHROMIUM_PATH, else Debian's /usr/bin/chromium (whether or not it is there). */
export const chromiumPath = (env: NodeJS.ProcessEnv = process.env): string =>
  env.CHROMIUM_PATH || DEFAULT_CHROMIUM;

/** The browser's executable, or an error that says how to install it. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const executable = chromiumPath(env);
  if (existsSync(executable)) return executable;
  throw missingChromium(env);
}

const missingChromium = (env: NodeJS.ProcessEnv) =>
  new Error(
    `no Chromium at ${env.CHROMIUM_PATH ? `CHROMIUM_PATH (${chromiumPath(env)})` : chromiumPath(env)}: ${HOW_TO_INSTALL}.`,
  );

/** What installing the browser touches, replaceable in tests. */
export interface ChromiumSystem {
  exists(file: string): boolean;
  isRoot(): boolean;
  run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<unknown>;
}

const realSystem: ChromiumSystem = {
  exists: existsSync,
  isRoot: () => process.getuid?.() === 0,
  run: (command, args, env) => run(command, args, { env, quiet: true }),
};

const onPath = (command: string, env: NodeJS.ProcessEnv, system: ChromiumSystem) =>
  (env.PATH ?? '').split(path.delimiter).some((dir) => dir && system.exists(path.join(dir, command)));

/**
 * The browser, installed first with apt-get when it is missing and this is root on a machine
 * with apt-get (a clean CI machine); anywhere else a missing browser is an error saying how to
 * install it. A CHROMIUM_PATH that names nothing is an error too: it was asked for.
 */
export async function ensureChromium(
  env: NodeJS.ProcessEnv = process.env,
  system: ChromiumSystem = realSystem,
): Promise<string> {
  const executable = chromiumPath(env);
  if (system.exists(executable)) return executable;
  if (env.CHROMIUM_PATH || !system.isRoot() || !onPath('apt-get', env, system)) throw missingChromium(env);
  progress.step(
    `Installing ${CHROMIUM_PACKAGE} for the console's browser test (apt-get install -y ${CHROMIUM_PACKAGE})`,
  );
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => system.run('apt-get', ['install', '-y', CHROMIUM_PACKAGE], aptEnv);
  await install().catch(async () => {
    // A clean machine may have no package lists yet.
    progress.info('apt-get install failed; updating the package lists (apt-get update) and trying again');
    await system.run('apt-get', ['update'], aptEnv);
    await install();
  });
  if (!system.exists(executable)) throw missingChromium(env);
  progress.ok(`Installed ${CHROMIUM_PACKAGE} (${executable})`);
  return executable;
}

/** Headless Chromium; as root it needs --no-sandbox (Chromium refuses to sandbox as root). */
export async function launchChromium(env: NodeJS.ProcessEnv = process.env): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(env),
    headless: true,
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-dev-shm-usage', '--disable-gpu'],
  });
}
