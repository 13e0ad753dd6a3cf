import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../../../scripts/bench/args.js';

describe('parseBenchArgs', () => {
  it('uses the full-run defaults without arguments', () => {
    expect(parseBenchArgs([])).toEqual({
      help: false,
      options: { quick: false, runs: 3, initRuns: 10, messages: 100 },
    });
  });

  it('makes --quick a small run', () => {
    expect(parseBenchArgs(['--quick'])).toEqual({
      help: false,
      options: { quick: true, runs: 1, initRuns: 3, messages: 20 },
    });
  });

  it('lets an explicit option win over --quick', () => {
    const parsed = parseBenchArgs(['--quick', '--messages', '40']);
    expect(parsed.help ? undefined : parsed.options.messages).toBe(40);
  });

  it('reads --runs and --init-runs', () => {
    const parsed = parseBenchArgs(['--runs', '5', '--init-runs', '20']);
    expect(parsed.help ? undefined : [parsed.options.runs, parsed.options.initRuns]).toEqual([5, 20]);
  });

  it('answers --help', () => {
    expect(parseBenchArgs(['--help'])).toEqual({ help: true });
  });

  it('rejects a number that is not whole', () => {
    expect(() => parseBenchArgs(['--runs', '2.5'])).toThrow(/--runs must be a whole number from 1 to 20/);
  });

  it('rejects too few messages to make percentiles of', () => {
    expect(() => parseBenchArgs(['--messages', '2'])).toThrow(/--messages must be .* from 5/);
  });

  it('rejects a value that is not a number', () => {
    expect(() => parseBenchArgs(['--init-runs', 'many'])).toThrow(/got 'many'/);
  });

  it('rejects an unknown option', () => {
    expect(() => parseBenchArgs(['--fast'])).toThrow(/--fast/);
  });

  it('rejects a positional argument', () => {
    expect(() => parseBenchArgs(['now'])).toThrow(/now/);
  });
});
