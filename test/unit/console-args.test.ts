import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONSOLE_HOST,
  checkHost,
  DEFAULT_CONSOLE_PORT,
  parseConsoleArgs,
} from '../../scripts/console/args.js';
import { startConsole } from '../../scripts/console/server.js';
import { ROOT } from '../../scripts/shared/paths.js';
import { UsageError } from '../../scripts/shared/usage.js';

describe('npm run console arguments', () => {
  it('serves on the default port, polling every 3 s, with no arguments', () => {
    expect(parseConsoleArgs([])).toEqual({ command: 'serve', port: DEFAULT_CONSOLE_PORT, pollSeconds: 3 });
  });

  it('takes a port, 0 for a free one, and an interval', () => {
    expect(parseConsoleArgs(['--port', '4600', '--interval', '5'])).toEqual({
      command: 'serve',
      port: 4600,
      pollSeconds: 5,
    });
    expect(parseConsoleArgs(['--port', '0'])).toMatchObject({ port: 0 });
  });

  it.each([
    [['--port', '80'], /--port must be a whole number from 1024 to 65535, got '80'/],
    [['--port', 'x'], /--port must be a whole number/],
    [['--interval', '0'], /--interval must be a whole number from 1 to 60/],
    [['--host', '0.0.0.0'], /listens on 127\.0\.0\.1 only/],
    [['--frob'], /unknown option '--frob'/],
    [['serve'], /unexpected argument 'serve'/],
    [['--order', 'o-1'], /--order goes with --screenshot/],
    [['--screenshot', 'shot.jpg'], /ending in \.png/],
  ])('refuses %s', (argv, message) => {
    expect(() => parseConsoleArgs(argv)).toThrow(UsageError);
    expect(() => parseConsoleArgs(argv)).toThrow(message);
  });

  it('takes a screenshot file and the order to trace in it', () => {
    expect(parseConsoleArgs(['--screenshot', 'docs/console.png', '--order', 'o-1'])).toMatchObject({
      command: 'screenshot',
      file: 'docs/console.png',
      orderId: 'o-1',
    });
  });

  it('accepts the loopback address only', () => {
    expect(checkHost(CONSOLE_HOST)).toBe(CONSOLE_HOST);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'localhost.example.com'])
      expect(() => checkHost(host)).toThrow(UsageError);
  });

  it('exits 2 with the message and the usage on a bad command line', () => {
    const result = spawnSync(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(ROOT, 'scripts/console/console-main.ts'), '--port', '70000'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--port must be a whole number from 1024 to 65535, got '70000'/);
    expect(result.stderr).toMatch(/Usage: npm run console/);
  }, 30_000); // A tsx start-up takes seconds on a loaded 2-core machine.
});

describe('the console server', () => {
  it('refuses to listen on an address other than 127.0.0.1', async () => {
    await expect(startConsole({ host: '0.0.0.0', port: 0 })).rejects.toThrow(/listens on 127\.0\.0\.1 only/);
  });
});
