import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ChromiumSystem,
  DEFAULT_CHROMIUM,
  ensureChromium,
  findChromium,
} from '../../scripts/console/browser.js';
import { ROOT } from '../../scripts/shared/paths.js';
import { progress } from '../../scripts/shared/progress.js';

describe("the console's browser", () => {
  const missing = { ...process.env, CHROMIUM_PATH: path.join(ROOT, '.local', 'no-such-chromium') };

  it("names Debian's chromium package when the browser is missing", () => {
    expect(() => findChromium(missing)).toThrow(/no Chromium at CHROMIUM_PATH .*apt-get install -y chromium/);
  });

  it('installs nothing for a CHROMIUM_PATH that names nothing: it says so instead', async () => {
    await expect(ensureChromium(missing)).rejects.toThrow(/no Chromium at CHROMIUM_PATH/);
  });

  /** A machine without the browser: apt-get where `apt` says, root or not; `fails` installs fail. */
  const machine = ({ root = true, apt = true, fails = 0 } = {}) => {
    const files = new Set(apt ? ['/usr/bin/apt-get'] : []);
    const ran: string[] = [];
    let failures = fails;
    const system: ChromiumSystem = {
      exists: (file) => files.has(file),
      isRoot: () => root,
      run: async (command, args) => {
        ran.push([command, ...args].join(' '));
        if (args[0] !== 'install') return;
        if (failures-- > 0) throw new Error('E: Unable to locate package chromium');
        files.add(DEFAULT_CHROMIUM);
      },
    };
    return { system, ran };
  };
  const env = { PATH: '/usr/bin:/bin' };
  // What a real install would print, kept here: in the test run's output it would read as one.
  let said: string[] = [];
  beforeEach(() => {
    said = [];
    for (const level of ['step', 'info', 'ok'] as const)
      vi.spyOn(progress, level).mockImplementation((message: string) => void said.push(message));
  });
  afterEach(() => vi.restoreAllMocks());

  it('as root with apt-get, installs the chromium package when the browser is missing', async () => {
    const { system, ran } = machine();
    await expect(ensureChromium(env, system)).resolves.toBe(DEFAULT_CHROMIUM);
    expect(ran).toEqual(['apt-get install -y chromium']);
    expect(said).toEqual([
      "Installing chromium for the console's browser test (apt-get install -y chromium)",
      'Installed chromium (/usr/bin/chromium)',
    ]);
  });

  it('updates the package lists and tries again when the first install fails (a clean machine)', async () => {
    const { system, ran } = machine({ fails: 1 });
    await expect(ensureChromium(env, system)).resolves.toBe(DEFAULT_CHROMIUM);
    expect(ran).toEqual(['apt-get install -y chromium', 'apt-get update', 'apt-get install -y chromium']);
  });

  it.each([
    ['not root', { root: false }],
    ['no apt-get', { apt: false }],
  ])('with %s, installs nothing and says how to install it', async (_, setup) => {
    const { system, ran } = machine(setup);
    await expect(ensureChromium(env, system)).rejects.toThrow(/apt-get install -y chromium/);
    expect(ran).toEqual([]);
  });
});
