import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/shared/paths.js';

const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const cli = (script: string, ...args: string[]) =>
  spawnSync(tsx, [path.join(ROOT, 'scripts', script), ...args], { encoding: 'utf8', timeout: 30_000 });

describe("the tools' entry points reject bad arguments", () => {
  it.each([
    ['emulator/main.ts', ['restart']],
    ['local/main.ts', ['sideways']],
    ['test/main.ts', ['--fast']],
  ])('%s %s exits 2 with a message and the usage', (script, args) => {
    const result = cli(script, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/error: unknown (command|option)/);
    expect(result.stderr).toMatch(/Usage:/);
  });

  it('emulator/deploy-main.ts refuses arguments it does not take', () => {
    const result = cli('emulator/deploy-main.ts', '--stage', 'prod');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/unexpected argument '--stage'/);
  });

  it.each([
    [['--orders', '0'], /--orders must be a whole number/],
    [['--fault-rate', '1.5'], /--fault-rate must be a number from 0 to 1/],
    [['--rate', '0'], /--rate must be a number of orders per second/],
    [['--seed', 'x'], /--seed must be a whole number/],
    [['--sideways'], /Unknown option '--sideways'/],
  ])('chaos/main.ts %s exits 2 with a message, before touching any emulator', (args, message) => {
    const result = cli('chaos/main.ts', ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    ['event-store/history-main.ts', [], /give the order id/],
    ['event-store/history-main.ts', ['--all'], /unknown option '--all'/],
    ['event-store/rebuild-main.ts', ['--show', 'many'], /--show takes a whole number/],
  ])('%s %j exits 2 with a message and the usage, before reading any table', (script, args, message) => {
    const result = cli(script, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Usage:/);
  });
});
