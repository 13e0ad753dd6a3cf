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
  const where = env.CHROMIUM_PATH ? `CHROMIUM_PATH (${executable})` : executable;
  throw new Error(`no Chromium at ${where}: ${HOW_TO_INSTALL}.`);
}

const onPath = (command: string, env: NodeJS.ProcessEnv) =>
  (env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, command)));

/**
 * The browser, installed first with apt-get when it is missing and this is root on a machine
 * with apt-get (a clean CI machine); anywhere else a missing browser is an error saying how to
 * install it. A CHROMIUM_PATH that names nothing is an error too: it was asked for.
 */
export async function ensureChromium(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (existsSync(chromiumPath(env)) || env.CHROMIUM_PATH) return findChromium(env);
  if (process.getuid?.() !== 0 || !onPath('apt-get', env)) return findChromium(env);
  progress.step(
    `Installing ${CHROMIUM_PACKAGE} for the console's browser test (apt-get install -y ${CHROMIUM_PACKAGE})`,
  );
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => run('apt-get', ['install', '-y', CHROMIUM_PACKAGE], { env: aptEnv, quiet: true });
  await install().catch(async () => {
    // A clean machine may have no package lists yet.
    progress.info('apt-get install failed; updating the package lists (apt-get update) and trying again');
    await run('apt-get', ['update'], { env: aptEnv, quiet: true });
    await install();
  });
  const executable = findChromium(env);
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
