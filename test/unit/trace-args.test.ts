import { describe, expect, it } from 'vitest';
import { UsageError } from '../../scripts/shared/usage.js';
import { parseTraceArgs } from '../../scripts/trace/args.js';

const NOW = new Date('2026-12-03T16:00:00.000Z');

describe('parseTraceArgs', () => {
  it('takes one id and reads the emulator as text by default', () => {
    expect(parseTraceArgs(['ord-1'], NOW)).toEqual({
      help: false,
      id: 'ord-1',
      json: false,
      aws: false,
      insights: false,
    });
  });

  it('turns on JSON output with --json', () => {
    expect(parseTraceArgs(['ord-1', '--json'], NOW)).toMatchObject({ json: true });
  });

  it('reads a day back on AWS when --since is not given (Insights needs a range)', () => {
    expect(parseTraceArgs(['--aws', 'ord-1'], NOW)).toMatchObject({
      aws: true,
      since: NOW.getTime() - 86_400_000,
    });
  });

  it('reads with Insights on AWS, and on the emulator with --insights', () => {
    expect(parseTraceArgs(['ord-1', '--aws'], NOW)).toMatchObject({ insights: true });
    expect(parseTraceArgs(['ord-1', '--insights'], NOW)).toMatchObject({ aws: false, insights: true });
  });

  it('reads --since as an age', () => {
    expect(parseTraceArgs(['ord-1', '--since', '2h'], NOW)).toMatchObject({
      since: NOW.getTime() - 7_200_000,
    });
  });

  it('asks for help with --help, whatever else is there', () => {
    expect(parseTraceArgs(['--help'], NOW)).toEqual({ help: true });
  });

  it.each([
    [[], /give an order id/],
    [['a', 'b'], /one id/],
    [['ord-1', '--colour'], /^unknown option '--colour'\.$/],
    [['ord-1', '--since', 'yesterday'], /--since/],
    [['x'.repeat(300)], /not an id/],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => parseTraceArgs(argv, NOW)).toThrow(UsageError);
    expect(() => parseTraceArgs(argv, NOW)).toThrow(message);
  });
});
