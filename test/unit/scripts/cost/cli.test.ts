import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCostArgs } from '../../../../scripts/cost/cli.js';
import { ROOT } from '../../../../scripts/shared/paths.js';

describe('npm run cost arguments', () => {
  it('reads --orders-per-month in plain, exponent and grouped forms', () => {
    for (const text of ['1000000', '1e6', '1_000_000', '1,000,000']) {
      const parsed = parseCostArgs(['--orders-per-month', text]);
      expect(parsed).toMatchObject({ kind: 'run', options: { ordersPerMonth: 1_000_000 } });
    }
  });

  it.each([
    [[], /required/],
    [['--orders-per-month', 'lots'], /must be a number/],
    [['--orders-per-month', '-5'], /must be positive/],
    [['--orders-per-month', '0'], /must be positive/],
    [['--orders-per-month', ''], /must be a number/],
    [['--orders-per-month', '10', '--colour'], /Unknown option '--colour'/],
    [['--orders-per-month', '10', '--write-docs'], /goes with --scaling/],
  ])('rejects %j', (args, message) => {
    const parsed = parseCostArgs(args);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' && parsed.message).toMatch(message);
  });

  it('exits 2 with the message and the usage on a bad argument', () => {
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const result = spawnSync(
      tsx,
      [path.join(ROOT, 'scripts', 'cost', 'main.ts'), '--orders-per-month', '-1'],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/error: --orders-per-month must be positive/);
    expect(result.stderr).toMatch(/Usage:/);
  }, 60_000);
});
